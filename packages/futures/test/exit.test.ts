// No hang (issue 7, promise 2; issue 3's "the process exits by itself"): each case runs a
// child process of this same runtime (fixtures/child-pool.ts) and asserts that it exits on
// its own, with code 0, printing what it should. The bound is generous and catches only a
// process held open forever; no test here asserts how fast anything is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { currentRuntime, lines, runOn } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();
// Children run in packages/futures, so Deno finds package.json and resolves "@concurrent/futures".
const packageDir = fileURLToPath(new URL("../", import.meta.url));

const script = new URL("./fixtures/child-pool.js", import.meta.url);

async function exitsWith(mode: string, expected: string[]): Promise<void> {
  const child = await runOn(runtime, script, [mode], { cwd: packageDir }).exited;
  assert.equal(child.killed, false, `the ${mode} child was still running at the bound; stdout: ${child.stdout} stderr: ${child.stderr}`);
  assert.equal(child.code, 0, `exit code; stderr: ${child.stderr}`);
  assert.deepEqual(lines(child.stdout), expected, `stderr: ${child.stderr}`);
}

test(`exit (${runtime}): the process exits by itself after shutdown()`, () => exitsWith("shutdown", ["results 9,5", "shutdown done"]));

test(`exit (${runtime}): idle workers without shutdown() do not keep the process alive`, () => exitsWith("idle-after-work", ["result 25"]));

test(`exit (${runtime}): a pool that never ran anything does not keep the process alive`, () => exitsWith("idle-unused", ["created"]));

test(`exit (${runtime}): after shutdown({ wait: false }) running calls still finish, then the process exits`, () =>
  exitsWith("shutdown-no-wait", ["shutdown returned", "result 42"]));

test(`exit (${runtime}): a never-returning task does not block shutdown({ wait: false }); terminateWorkers() lets the process exit`, () =>
  exitsWith("never-returning", ["shutdown returned", "terminated ERR_WORKER_EXITED"]));

test(`exit (${runtime}): shutdown({ cancelFutures: true }) with a stuck worker completes once terminateWorkers() is called`, () =>
  exitsWith("cancel-futures-stuck", [
    "queued cancelled true",
    "shutdown resolved before terminate false",
    "shutdown resolved; stuck ERR_WORKER_EXITED",
  ]));

test(`exit (${runtime}): aborting a stuck call lets shutdown() resolve and the process exit`, () =>
  exitsWith("abort-stuck", ["shutdown resolved; stuck E_ABORTED"]));

test(`exit (${runtime}): a failing initializer breaks the pool and the process still exits`, () =>
  exitsWith("broken-initializer", ["futures ERR_BROKEN_EXECUTOR,ERR_BROKEN_EXECUTOR", "shutdown done"]));

test(`exit (${runtime}): a replaced worker does not keep the process alive`, () =>
  exitsWith("crash-then-idle", ["crash ERR_WORKER_EXITED", "result 36"]));
