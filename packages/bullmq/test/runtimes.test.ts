// Producer and worker on Node, Bun and Deno: this suite runs on each runtime, and pairs
// this runtime with another through child processes, both ways. Every process ends by
// itself after shutdown() / close().
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { QueueExecutor } from "@concurrent/bullmq";
import { currentRuntime, runOn } from "@concurrent/testkit/helpers";
import { packageDir, queueName, redis, startCli, stopCli, stopRedis, tasks, worker } from "./helpers.js";

const roundtrip = fileURLToPath(new URL("./fixtures/roundtrip.js", import.meta.url));
const order = ["node", "bun", "deno"] as const;
const here = currentRuntime();
const next = order[(order.indexOf(here) + 1) % 3]!;
const previous = order[(order.indexOf(here) + 2) % 3]!;

test("runtime: this run is on the runtime the runner asked for", () => {
  const expected = process.env["CONCURRENT_TEST_RUNTIME"];
  assert.ok(expected, "CONCURRENT_TEST_RUNTIME is set by concurrent-test-runtimes");
  assert.equal(here, expected);
  if (process.env["CONCURRENT_TEST_RUNTIME_NAME"] === "node24") assert.match(process.versions.node, /^24\./);
});

async function runChild(runtime: (typeof order)[number], queue: string, mode: string) {
  const { url } = await redis();
  // A bound against a hang, not a timing assertion: a process that does not end fails here.
  const { code, signal, stdout, stderr } = await runOn(runtime, roundtrip, [url, queue, mode], { cwd: packageDir, denoFlags: ["-A"], boundMs: 60_000 }).exited;
  assert.equal(signal, null, `the ${runtime} process did not end by itself: ${stderr}`);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout.trim().split("\n").pop()!) as { runtime: string; square: number; fn: string; mapped: number[] };
}

test(`processes end by themselves: producer and worker in one ${here} process, after shutdown() and close()`, async () => {
  const out = await runChild(here, queueName("exit"), "both");
  assert.deepEqual(out, { runtime: here, square: 81, fn: "fn:1970", mapped: [10, 20, 30] });
});

test(`cross-runtime: a ${here} producer, a concurrent-worker on ${next}`, async () => {
  const { url } = await redis();
  const queue = queueName("cross-worker");
  const child = await startCli(next, ["--connection", url, "--queue", queue, "--max-workers", "1"]);
  const ex = new QueueExecutor({ connection: url, queue });
  const where = await ex.submit(tasks.where);
  assert.equal(where.pid, child.proc.pid, `ran in the ${next} worker`);
  assert.equal(await ex.submit((a: bigint, b: bigint) => a * b, 2n ** 40n, 3n), 3n * 2n ** 40n);
  const out: number[] = [];
  for await (const v of ex.map(tasks.square, [1, 2, 3, 4, 5], { chunksize: 2 })) out.push(v);
  assert.deepEqual(out, [1, 4, 9, 16, 25]);
  await ex.shutdown();
  assert.equal(await stopCli(child), true, child.stderr());
});

test(`cross-runtime: a ${previous} producer, a QueueWorker on ${here}`, async () => {
  const queue = queueName("cross-producer");
  const w = await worker(queue);
  const out = await runChild(previous, queue, "producer");
  assert.deepEqual(out, { runtime: previous, square: 81, fn: "fn:1970", mapped: [10, 20, 30] });
  assert.ok(w.counts.completed >= 4);
  await w.close();
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
