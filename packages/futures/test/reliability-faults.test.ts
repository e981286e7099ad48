// Faults are contained (issue 7, promise 3): many worker deaths in a row, of every kind,
// fail only their own futures; the pool recovers and normal work completes. A failing
// initializer breaks the pool and nothing hangs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BrokenExecutorError, WorkerExitedError, WorkerPoolExecutor, taskModule } from "@concurrent/futures";
import { errorOf, outcomes, spinFlag } from "./helpers/pool.js";
import { currentRuntime } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();

const tasks = taskModule<typeof import("./fixtures/tasks.js")>(new URL("./fixtures/tasks.js", import.meta.url));

// Each crash costs a worker start: Bun starts one in a few ms, a Node worker_thread costs
// tens of ms of CPU (about 300 ms of wall time per crash on the 2-CPU CI box while the other
// test lane runs beside it), a Deno one about 50. CI runs 200 on Bun, 60 on Deno and 40 on
// Node to keep this file near 20 s per runtime; FAULT_CRASHES=1000 (a multiple of 20) runs a soak.
const CRASHES = Number(process.env["FAULT_CRASHES"] ?? (runtime === "bun" ? 200 : runtime === "deno" ? 60 : 40));
// Each abort replaces a worker (over a second each on Node 20 in CI, beside the other lane);
// terminating a worker that spins in a loop takes Deno several hundred ms more. Bun runs 10,
// Node and Deno 5; FAULT_ABORTS raises it.
const ABORTS = Number(process.env["FAULT_ABORTS"] ?? (runtime === "bun" ? 10 : 5));

test(`faults (${runtime}): ${CRASHES} crashes of mixed kinds in a row, then normal work completes`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 4 });
  const kinds = [
    () => pool.submit(tasks.exitWorker, 1),
    () => pool.submit(() => new Promise(() => setTimeout(() => { throw new Error("timer"); }, 0))),
    () => pool.submit(() => { void Promise.reject(new Error("unhandled")); return new Promise(() => {}); }),
    () => pool.submit((code: number) => process.exit(code), 0),
  ];
  try {
    for (let done = 0; done < CRASHES; done += 20) {
      // 20 crashes at once with ordinary calls among them: calls queued on a worker behind
      // a crash it never started go back to the queue and run elsewhere.
      const crashes: ReturnType<(typeof kinds)[number]>[] = [];
      const fine: ReturnType<WorkerPoolExecutor["submit"]>[] = [];
      for (let i = 0; i < 20; i++) {
        crashes.push(kinds[(done + i) % kinds.length]!());
        if (i % 4 === 0) fine.push(pool.submit((n: number) => n + 1, done + i));
      }
      for (const o of await outcomes(crashes)) {
        assert.ok(!o.ok && o.error instanceof WorkerExitedError, `after ${done} crashes: ${JSON.stringify(o)}`);
        assert.equal((o.error as WorkerExitedError).code, "ERR_WORKER_EXITED");
      }
      assert.deepEqual(
        await outcomes(fine),
        fine.map((_, k) => ({ ok: true, value: done + 4 * k + 1 })),
        `the ordinary calls among crashes ${done}..${done + 19}`,
      );
    }
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.submit(tasks.square, i)));
    assert.deepEqual(results, Array.from({ length: 100 }, (_, i) => i * i));
    const s = pool.stats();
    assert.equal(s.failed, CRASHES);
    assert.ok(s.workers <= 4);
  } finally {
    await pool.terminateWorkers();
  }
});

test(`faults (${runtime}): aborts of running calls many times in a row, then normal work completes`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 2 });
  const spinning: ReturnType<typeof spinFlag>[] = [];
  try {
    for (let i = 0; i < ABORTS; i++) {
      const controller = new AbortController();
      const flag = spinFlag();
      spinning.push(flag);
      // spin ignores its signal: a short grace, so each round is the terminate-and-replace
      // path, not a second of waiting (grace itself is tested in cancellation.test.ts).
      const f = pool.submitWith({ signal: controller.signal, grace: 20 }, tasks.spin, flag.sab);
      await flag.started();
      controller.abort(i);
      assert.equal(await errorOf(f), i);
    }
    assert.deepEqual(await Promise.all([pool.submit(tasks.square, 5), pool.submit(tasks.square, 6)]), [25, 36]);
  } finally {
    await pool.terminateWorkers();
    // Only now, every spinning worker having been terminated (see spin in fixtures/tasks.ts).
    for (const flag of spinning) flag.release();
  }
});

test(`faults (${runtime}): a failing initializer breaks the pool for pending and later calls, and shutdown resolves`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 3, initializer: tasks.failInit });
  try {
    const pending = Array.from({ length: 10 }, (_, i) => pool.submit(tasks.square, i));
    for (const o of await outcomes(pending)) {
      assert.ok(!o.ok && o.error instanceof BrokenExecutorError, JSON.stringify(o));
      assert.equal((o.error as BrokenExecutorError).code, "ERR_BROKEN_EXECUTOR");
      assert.ok(!(o.error instanceof WorkerExitedError), "broken by the initializer, not by a worker exit");
    }
    const later = await errorOf(pool.submit(tasks.square, 1));
    assert.equal(later.code, "ERR_BROKEN_EXECUTOR");
    const mapped = pool.map(tasks.square, [1, 2, 3]);
    assert.equal((await errorOf(mapped.next())).code, "ERR_BROKEN_EXECUTOR");
    assert.equal((await outcomes([pool.shutdown() as never]))[0]!.ok, true, "shutdown settles");
    assert.equal(pool.stats().workers, 0);
  } finally {
    await pool.terminateWorkers();
  }
});

test(`faults (${runtime}): workers that die before they are ready break the pool instead of looping`, async () => {
  // The initializer kills its worker: no worker ever gets ready.
  const pool = new WorkerPoolExecutor({ maxWorkers: 1, initializer: tasks.exitWorker, initArgs: [1] });
  try {
    const error = await errorOf(pool.submit(tasks.square, 2));
    assert.ok(error instanceof BrokenExecutorError, String(error));
    assert.equal((await outcomes([pool.shutdown() as never]))[0]!.ok, true, "shutdown settles");
  } finally {
    await pool.terminateWorkers();
  }
});
