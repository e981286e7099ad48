// Task modules written in TypeScript: Bun, Deno and Node with type stripping (22.6+ with
// --experimental-strip-types, on by default from 23.6) import them as they are; older Node
// (20) cannot, and the error names the Node version needed and the alternative.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { WorkerPoolExecutor, taskModule } from "@concurrent/futures";
import { errorOf } from "./helpers/pool.js";
import { currentRuntime } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();

// Node tells whether it strips types (process.features.typescript, Node 22.10+); Bun and Deno always do.
const features = process.features as { typescript?: string | false };
const stripsTypes = runtime !== "node" || Boolean(features.typescript);

// Written at run time: the test build (tsc) would otherwise compile it to JavaScript.
const SOURCE = `
interface Point { x: number; y: number }
export function norm1(p: Point): number {
  return Math.abs(p.x) + Math.abs(p.y);
}
export const scale = async (n: number, by: number = 10): Promise<number> => n * by;
`;

test(`worker pool (${runtime}): a task module written in TypeScript ${stripsTypes ? "runs" : "fails with an error that names the Node version needed and the alternative"}`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "concurrent-ts-tasks-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "tasks.ts"), SOURCE);
  type Tasks = { norm1(p: { x: number; y: number }): number; scale(n: number, by?: number): Promise<number> };
  const tasks = taskModule<Tasks>(pathToFileURL(join(dir, "tasks.ts")));
  const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  try {
    if (stripsTypes) {
      assert.equal(await pool.submit(tasks.norm1, { x: 3, y: -4 }), 7);
      assert.equal(await pool.submit(tasks.scale, 4), 40);
    } else {
      const error = await errorOf(pool.submit(tasks.norm1, { x: 3, y: -4 }));
      assert.match(error.message, /tasks\.ts/);
      assert.match(error.message, /Node >= 22\.6 with --experimental-strip-types/);
      assert.match(error.message, /compile the task file to JavaScript/);
      // The pool carries on: a function task still runs.
      assert.equal(await pool.submit((n: number) => n + 1, 1), 2);
    }
  } finally {
    await pool.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
