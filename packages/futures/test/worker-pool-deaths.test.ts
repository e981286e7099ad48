// A worker that dies during a task fails only that task's future with WorkerExitedError
// (a BrokenExecutorError); the pool replaces the worker and every other future completes.
// Also: stopping a running task with an AbortSignal or a per-task timeout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BrokenExecutorError, WorkerExitedError, WorkerPoolExecutor, type Future, type WorkerPoolOptions } from "@concurrent/futures";
import { errorOf, flags, outcomes, spinFlag, tasks, withPool } from "./helpers/pool.js";
import { currentRuntime } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();

function assertWorkerExited(error: unknown): void {
  assert.ok(error instanceof WorkerExitedError, `expected WorkerExitedError, got ${String(error)}`);
  assert.ok(error instanceof BrokenExecutorError, "a WorkerExitedError is a BrokenExecutorError");
  assert.equal(error.code, "ERR_WORKER_EXITED");
  assert.equal(error.name, "WorkerExitedError");
}

/**
 * Submits `kill` among ordinary calls on a 2-worker pool; the killer's future fails with
 * WorkerExitedError, all the others complete, and the pool keeps working afterwards.
 */
async function survivesDeath(kill: (pool: WorkerPoolExecutor) => Future<unknown>, options: WorkerPoolOptions = {}): Promise<WorkerExitedError> {
  let error: unknown;
  await withPool({ maxWorkers: 2, ...options }, async (pool) => {
    const slowDouble = async (n: number) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return n * 2;
    };
    const before = Array.from({ length: 10 }, (_, i) => pool.submit(slowDouble, i));
    const victim = kill(pool);
    const after = Array.from({ length: 10 }, (_, i) => pool.submit(slowDouble, i + 10));
    error = await errorOf(victim);
    assertWorkerExited(error);
    const rest = await outcomes([...before, ...after]);
    assert.deepEqual(
      rest,
      Array.from({ length: 20 }, (_, i) => ({ ok: true, value: i * 2 })),
      "every other future completes",
    );
    // Again, after the replacement.
    assertWorkerExited(await errorOf(kill(pool)));
    assert.equal(await pool.submit(tasks.square, 4), 16);
    assert.ok(pool.stats().workers <= 2);
  });
  return error as WorkerExitedError;
}

test(`worker deaths (${runtime}): an uncaught error in a timer kills the worker; only its task fails`, async () => {
  const error = await survivesDeath((pool) =>
    pool.submit(
      () =>
        new Promise(() => {
          setTimeout(() => {
            throw Object.assign(new Error("thrown in a timer"), { code: "E_TIMER" });
          }, 1);
        }),
    ),
  );
  assert.equal((error.cause as { code?: string } | undefined)?.code, "E_TIMER", "the uncaught error is the cause");
});

test(`worker deaths (${runtime}): an unhandled rejection kills the worker; only its task fails`, async () => {
  await survivesDeath((pool) =>
    pool.submit(() => {
      void Promise.reject(new Error("nobody handles me"));
      return new Promise(() => {});
    }),
  );
});

test(`worker deaths (${runtime}): process.exit() inside a task`, async () => {
  await survivesDeath((pool) => pool.submit((code: number) => process.exit(code), 7));
});

test(`worker deaths (${runtime}): the runtime's own exit inside a module task (${runtime === "deno" ? "Deno.exit" : "process.exit"})`, async () => {
  await survivesDeath((pool) => pool.submit(tasks.exitWorker, 3));
});

test(`worker deaths (${runtime}): exit code 0 inside a task still fails it`, async () => {
  await survivesDeath((pool) => pool.submit(tasks.exitWorker, 0));
});

test(
  `worker deaths (${runtime}): self.close() inside a task`,
  // Node's worker_threads give a worker no close(); Bun's adapter provides one, Deno has it.
  { skip: runtime === "node" ? "worker_threads workers have no self.close()" : false },
  async () => {
    await survivesDeath((pool) =>
      pool.submit(() => {
        (globalThis as unknown as { close(): void }).close();
        return new Promise(() => {});
      }),
    );
  },
);

test(
  `worker deaths (${runtime}): running out of memory under resourceLimits`,
  {
    // Only Node can cap a worker's heap. Bun and Deno have no per-worker limit: a worker
    // allocates until the whole process dies (Deno aborts the process), so there is
    // nothing the pool could contain and this case is not run there.
    skip: runtime !== "node" ? `${runtime} has no per-worker heap limit (resourceLimits is ignored)` : false,
  },
  async () => {
    const error = await survivesDeath((pool) => pool.submit(tasks.exhaustMemory), {
      resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 },
    });
    assert.equal((error.cause as { code?: string } | undefined)?.code, "ERR_WORKER_OUT_OF_MEMORY");
  },
);

test(`worker deaths (${runtime}): a pool given resourceLimits runs ordinary work (Bun and Deno accept and ignore them)`, () =>
  withPool({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } }, async (pool) => {
    // Enough live data to need a few MB, well under the limit.
    const size = await pool.submit((n: number) => Array.from({ length: n }, (_, i) => ({ i })).length, 100_000);
    assert.equal(size, 100_000);
  }));

test(`worker deaths (${runtime}): a worker stopped by terminateWorkers fails its running task, cancels queued ones`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  const flag = spinFlag();
  try {
    const running = pool.submit(tasks.spin, flag.sab);
    const queued = pool.submit(tasks.square, 2);
    await flag.started();
    await pool.terminateWorkers();
    assertWorkerExited(await errorOf(running));
    assert.ok(queued.cancelled());
    assert.equal(pool.stats().workers, 0);
    assert.throws(() => pool.submit(tasks.square, 1), { code: "ERR_SHUTDOWN" });
  } finally {
    await pool.terminateWorkers();
    flag.release();
  }
});

test(`abort (${runtime}): aborting a running task terminates and replaces its worker; the future rejects with signal.reason`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const flag = spinFlag();
    try {
      const tag = await pool.submit(tasks.workerTag);
      const controller = new AbortController();
      const f = pool.submitWith({ signal: controller.signal }, tasks.spin, flag.sab);
      const queued = pool.submit(tasks.square, 5);
      await flag.started();
      const reason = new Error("stop it");
      controller.abort(reason);
      assert.equal(await errorOf(f), reason);
      assert.equal(await queued, 25, "the call queued behind it runs on the replacement");
      assert.notEqual(await pool.submit(tasks.workerTag), tag, "a new worker");
      assert.equal(pool.stats().workers, 1);
    } finally {
      flag.release();
    }
  }));

test(`abort (${runtime}): an already-aborted signal rejects at once and the task never runs`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const flag = flags();
    const controller = new AbortController();
    controller.abort(new Error("before"));
    const f = pool.submitWith({ signal: controller.signal }, (sab: SharedArrayBuffer) => Atomics.store(new Int32Array(sab), 0, 1), flag.sab);
    assert.equal(await errorOf(f), controller.signal.reason);
    assert.equal(await pool.submit(tasks.square, 3), 9);
    assert.equal(flag.get(0), 0, "the aborted call never ran");
  }));

test(`abort (${runtime}): aborting a queued task rejects it without running it`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const flag = flags();
    const blocker = pool.submit(async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return "blocker";
    }, 100);
    const controller = new AbortController();
    const f = pool.submitWith({ signal: controller.signal }, (sab: SharedArrayBuffer) => Atomics.store(new Int32Array(sab), 1, 1), flag.sab);
    controller.abort("queued reason");
    assert.equal(await errorOf(f), "queued reason");
    assert.equal(await blocker, "blocker");
    assert.equal(await pool.submit(tasks.square, 3), 9);
    assert.equal(flag.get(1), 0, "the aborted call never ran");
  }));

test(`abort (${runtime}): a per-task timeout stops a running task with TimeoutError`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const flag = spinFlag();
    try {
      const error = await errorOf(pool.submitWith({ timeout: 50 }, tasks.spin, flag.sab));
      assert.equal(error.code, "ERR_TIMEOUT");
      assert.equal(error.name, "TimeoutError");
      // This call waits for the spinning worker to be stopped and replaced (after grace).
      assert.equal(await pool.submit(tasks.square, 6), 36);
      // A task that finishes in time is not touched by its timeout.
      assert.equal(await pool.submitWith({ timeout: 60_000 }, tasks.square, 7), 49);
    } finally {
      flag.release();
    }
  }));
