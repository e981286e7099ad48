// WorkerPoolExecutor on the current runtime (issue 3): the shared executor conformance
// suite, both task forms, what crosses by structured clone, initializers, worker rotation,
// idle shrinking and map. Crashes and aborts are in worker-pool-deaths.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BrokenExecutorError, WorkerPoolExecutor } from "@concurrent/futures";
import { executorSuite } from "@concurrent/conformance/executor";
import { currentRuntime, sleep, until } from "@concurrent/testkit/helpers";
import { errorOf, outcomes, tasks, tasksUrl, withPool } from "./helpers/pool.js";

const runtime = currentRuntime();

executorSuite("WorkerPoolExecutor", (o) => new WorkerPoolExecutor({ maxWorkers: 2, ...o }), {});

test(`worker pool (${runtime}): a self-contained function runs in a worker, by source`, () =>
  withPool({ maxWorkers: 2 }, async (pool) => {
    assert.equal(await pool.submit((n: number) => n * n, 7), 49);
    assert.equal(await pool.submit(async (a: number, b: string) => `${b}${a + 1}`, 1, "x"), "x2");
    // A method prints without "function"; it is still sent by source.
    const obj = { triple(n: number) { return n * 3; } };
    assert.equal(await pool.submit(obj.triple, 5), 15);
    // It really ran elsewhere: the worker's global is not ours.
    (globalThis as { __mine?: number }).__mine = 1;
    try {
      assert.equal(await pool.submit(() => typeof (globalThis as { __mine?: number }).__mine), "undefined");
    } finally {
      delete (globalThis as { __mine?: number }).__mine;
    }
  }));

test(`worker pool (${runtime}): a function that uses a captured variable fails with a ReferenceError naming it`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    // An object, not a constant: Bun's transpiler inlines `const factor = 3` into the source.
    const config = { factor: 3 };
    const error = await errorOf(pool.submit((n: number) => n * config.factor, 2));
    assert.ok(error instanceof ReferenceError, `got ${String(error)}`);
    assert.match(error.message, /\bconfig\b/);
    assert.equal(await pool.submit((n: number) => n * 3, 2), 6, "the pool carries on");
  }));

test(`worker pool (${runtime}): module tasks run the export, keep module state per worker`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    assert.equal(await pool.submit(tasks.square, 9), 81);
    assert.equal(await pool.submit(tasks.addLater, 2, 3), 5);
    const counts = await Promise.all([pool.submit(tasks.count), pool.submit(tasks.count), pool.submit(tasks.count)]);
    assert.deepEqual(counts, [1, 2, 3]);
  }));

test(`worker pool (${runtime}): a function task can await import() a module by URL`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const viaImport = async (url: string, n: number): Promise<number> => {
      const mod = (await import(url)) as { square(n: number): number };
      return mod.square(n);
    };
    assert.equal(await pool.submit(viaImport, tasksUrl.href, 12), 144);
  }));

test(`worker pool (${runtime}): errors keep name, message, stack, cause and own fields`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const error = await errorOf(pool.submit(tasks.fail, "E_ON_PURPOSE"));
    assert.ok(error instanceof Error);
    assert.equal(error.name, "CodedError");
    assert.equal(error.message, "task failed on purpose");
    assert.equal(error.code, "E_ON_PURPOSE");
    assert.deepEqual(error.detail, { n: 1, list: [1, 2] });
    assert.equal(typeof error.stack, "string");
    // (Deno applies the source map: tasks.ts)
    assert.match(error.stack!, /tasks\.[jt]s/, "the stack is the worker's, pointing into the task module");
    const cause = error.cause as Error & { code?: string };
    assert.ok(cause instanceof RangeError, `cause: ${String(cause)}`);
    assert.equal(cause.code, "E_INNER");

    const typed = await errorOf(
      pool.submit(() => {
        throw new TypeError("typed", { cause: "a string cause" });
      }),
    );
    assert.ok(typed instanceof TypeError);
    assert.equal(typed.cause, "a string cause");
    // Something that is not an Error arrives as itself.
    const thrown = await errorOf(
      pool.submit(() => {
        throw { plain: 42 };
      }),
    );
    assert.deepEqual(thrown, { plain: 42 });
  }));

test(`worker pool (${runtime}): a function task's stack names it (sourceURL), not eval in the runner`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    function checkInput(n: number): number {
      if (n < 0) throw new RangeError("negative input");
      return n;
    }
    const error = await errorOf(pool.submit(checkInput, -1));
    assert.match(error.stack ?? "", /concurrent-task:checkInput/, error.stack);
    assert.doesNotMatch(error.stack ?? "", /eval at/);
  }));

test(`worker pool (${runtime}): an AggregateError keeps its errors, each with its own fields`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const error = await errorOf(
      pool.submit(() => {
        const inner = Object.assign(new RangeError("inner"), { code: "E_INNER" });
        throw Object.assign(new AggregateError([inner, new Error("second"), "a string"], "many failed"), { code: "E_MANY" });
      }),
    );
    assert.ok(error instanceof AggregateError, String(error));
    assert.equal(error.message, "many failed");
    assert.equal(error.code, "E_MANY");
    const errors = (error as unknown as AggregateError).errors;
    assert.equal(errors.length, 3);
    assert.ok(errors[0] instanceof RangeError);
    assert.equal((errors[0] as { code?: string }).code, "E_INNER");
    assert.equal((errors[1] as Error).message, "second");
    assert.equal(errors[2], "a string");
  }));

test(`worker pool (${runtime}): values cross by structured clone`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const value = { big: 10n, date: new Date(5), map: new Map([[1, new Set([2])]]), bytes: new Uint8Array([1, 2]), nested: [{ u: undefined }] };
    assert.deepEqual(await pool.submit(<T>(v: T) => v, value), value);
  }));

test(`worker pool (${runtime}): an uncloneable argument fails only its future`, () =>
  withPool({ maxWorkers: 2 }, async (pool) => {
    const echo = (v: unknown) => v;
    // One turn of the event loop: all of these travel in the same batch.
    const fs = [
      pool.submit(echo, 1),
      pool.submit(echo, () => 1),
      pool.submit(echo, 2),
      pool.submit(echo, Symbol("s")),
      pool.submit(tasks.square, 3),
    ];
    const os = await outcomes(fs);
    assert.deepEqual(os[0], { ok: true, value: 1 });
    assert.deepEqual(os[2], { ok: true, value: 2 });
    assert.deepEqual(os[4], { ok: true, value: 9 });
    for (const i of [1, 3]) {
      const o = os[i]!;
      assert.ok(!o.ok && o.error instanceof TypeError, `future ${i}: ${JSON.stringify(o)}`);
    }
    assert.equal(await pool.submit(echo, "after"), "after");
  }));

test(`worker pool (${runtime}): an uncloneable result fails only its future`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const fs = [
      pool.submit((n: number) => n + 1, 1),
      pool.submit(() => () => 1),
      pool.submit(() => Symbol("result")),
      pool.submit((n: number) => n + 1, 2),
    ];
    const os = await outcomes(fs);
    assert.deepEqual(os[0], { ok: true, value: 2 });
    assert.deepEqual(os[3], { ok: true, value: 3 });
    for (const i of [1, 2]) {
      const o = os[i]!;
      assert.ok(!o.ok && o.error instanceof TypeError, `future ${i}: ${JSON.stringify(o)}`);
    }
    assert.equal(await pool.submit(() => "after"), "after");
  }));

test(`worker pool (${runtime}): a transfer list moves ArrayBuffers to the worker`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const buffer = new Uint8Array([7, 8, 9]).buffer;
    const f = pool.submitWith({ transfer: [buffer] }, (b: ArrayBuffer) => [b.byteLength, new Uint8Array(b)[2]], buffer);
    assert.deepEqual(await f, [3, 9]);
    assert.equal(buffer.byteLength, 0, "the sender's buffer is detached");
    // Without a transfer list the buffer is copied and stays usable here.
    const kept = new ArrayBuffer(4);
    assert.equal(await pool.submit((b: ArrayBuffer) => b.byteLength, kept), 4);
    assert.equal(kept.byteLength, 4);
  }));

test(`worker pool (${runtime}): the initializer runs once in each worker with initArgs`, () =>
  withPool(
    {
      maxWorkers: 2,
      maxTasksPerWorker: 2,
      initializer: (tag: string, n: number) => {
        const g = globalThis as { __inits?: number; __initArgs?: unknown[] };
        g.__inits = (g.__inits ?? 0) + 1;
        g.__initArgs = [tag, n];
      },
      initArgs: ["hello", 5],
    },
    async (pool) => {
      const probe = () => {
        const g = globalThis as { __inits?: number; __initArgs?: unknown[]; __tag?: number };
        g.__tag ??= Math.random();
        return { tag: g.__tag, inits: g.__inits, args: g.__initArgs };
      };
      const seen = await Promise.all(Array.from({ length: 8 }, () => pool.submit(probe)));
      for (const s of seen) {
        assert.equal(s.inits, 1, "once per worker, before its first task");
        assert.deepEqual(s.args, ["hello", 5]);
      }
      // maxTasksPerWorker 2 over 8 tasks: at least 4 workers, each initialized.
      assert.ok(new Set(seen.map((s) => s.tag)).size >= 4);
    },
  ));

test(`worker pool (${runtime}): a module-task initializer sets state later tasks see`, () =>
  withPool({ maxWorkers: 2, initializer: tasks.remember, initArgs: [1, "two"] }, async (pool) => {
    const all = await Promise.all(Array.from({ length: 4 }, () => pool.submit(tasks.remembered)));
    for (const args of all) assert.deepEqual(args, [1, "two"]);
  }));

for (const form of ["function", "module task"] as const) {
  test(`worker pool (${runtime}): a failing ${form} initializer breaks the pool, nothing hangs`, async () => {
    const initializer =
      form === "module task"
        ? tasks.failInit
        : () => {
            throw Object.assign(new Error("no"), { code: "E_INIT_REFUSED" });
          };
    const pool = new WorkerPoolExecutor({ maxWorkers: 2, initializer });
    try {
      const pending = [pool.submit((n: number) => n, 1), pool.submit((n: number) => n, 2), pool.submit(tasks.square, 3)];
      for (const f of pending) {
        const error = await errorOf(f);
        assert.ok(error instanceof BrokenExecutorError, `got ${String(error)}`);
        assert.equal(error.code, "ERR_BROKEN_EXECUTOR");
        assert.equal((error.cause as { code?: string }).code, "E_INIT_REFUSED");
      }
      const later = await errorOf(pool.submit((n: number) => n, 4));
      assert.equal(later.code, "ERR_BROKEN_EXECUTOR");
      assert.ok(later instanceof BrokenExecutorError);
      await pool.shutdown(); // resolves: no worker is left
      assert.equal(pool.stats().workers, 0);
    } finally {
      await pool.terminateWorkers();
    }
  });
}

test(`worker pool (${runtime}): run times are reported in ms, timed by the worker to the whole µs`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
      return ms;
    };
    assert.equal(await pool.submit(spin, 30), 30);
    for (let i = 0; i < 20; i++) await pool.submit((x: number) => x + 1, i);
    const { runTime } = pool.stats();
    assert.equal(runTime.samples, 21);
    // The spinning call ran at least 30 ms: reported in ms, not µs (30,000) nor s (0.03).
    assert.ok(runTime.max >= 29.9 && runTime.max < 1000, `max run time ${runTime.max} ms`);
    for (const [name, ms] of Object.entries(runTime)) {
      if (name !== "samples") assert.ok(Math.abs(ms * 1000 - Math.round(ms * 1000)) < 1e-6, `${name} ${ms} ms is not a whole number of µs`);
    }
  }));

test(`worker pool (${runtime}): maxTasksPerWorker replaces workers`, () =>
  withPool({ maxWorkers: 1, maxTasksPerWorker: 2 }, async (pool) => {
    const tags: number[] = [];
    for (let i = 0; i < 6; i++) tags.push(await pool.submit(tasks.workerTag));
    assert.equal(tags[0], tags[1]);
    assert.equal(tags[2], tags[3]);
    assert.equal(tags[4], tags[5]);
    assert.equal(new Set(tags).size, 3, "a new worker every 2 tasks");
    // Submitted all at once, the same holds: every worker runs at most 2.
    const burst = await Promise.all(Array.from({ length: 9 }, () => pool.submit(tasks.workerTag)));
    const perWorker = new Map<number, number>();
    for (const t of burst) perWorker.set(t, (perWorker.get(t) ?? 0) + 1);
    for (const n of perWorker.values()) assert.ok(n <= 2, `a worker ran ${n} tasks`);
    assert.ok(perWorker.size >= 5);
  }));

test(`worker pool (${runtime}): without maxTasksPerWorker one worker runs everything`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const tags = new Set<number>();
    for (let i = 0; i < 5; i++) tags.add(await pool.submit(tasks.workerTag));
    assert.equal(tags.size, 1);
  }));

test(`worker pool (${runtime}): workers above minWorkers exit when idle and come back on demand`, () =>
  withPool({ maxWorkers: 3, minWorkers: 1, idleTimeout: 30 }, async (pool) => {
    const slow = async (n: number) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return n * 2;
    };
    const firstFs = Array.from({ length: 6 }, (_, i) => pool.submit(slow, i));
    await sleep(0);
    assert.equal(pool.stats().workers, 3, "six waiting calls start all three workers");
    assert.deepEqual(await Promise.all(firstFs), [0, 2, 4, 6, 8, 10]);
    await until(() => pool.stats().workers === 1, "the pool to shrink to minWorkers");
    const again = Array.from({ length: 6 }, (_, i) => pool.submit(slow, i + 10));
    await sleep(0);
    assert.equal(pool.stats().workers, 3, "workers are started again on demand");
    assert.deepEqual(await Promise.all(again), [20, 22, 24, 26, 28, 30]);
    await until(() => pool.stats().workers === 1, "the pool to shrink again");
    // Calls submitted while workers are idling out, retiring or restarting are never lost.
    const spread: Promise<number>[] = [];
    for (let i = 0; i < 24; i++) {
      spread.push(Promise.resolve(pool.submit(slow, i)));
      await sleep((i * 7) % 45);
      assert.ok(pool.stats().workers <= 3);
    }
    assert.deepEqual(await Promise.all(spread), Array.from({ length: 24 }, (_, i) => i * 2));
    const s = pool.stats();
    assert.equal(s.inFlight, 0);
    assert.equal(s.queued, 0);
    assert.equal(s.completed, 36);
  }));

test(`worker pool (${runtime}): minWorkers stay alive past idleTimeout`, async () => {
  await withPool({ maxWorkers: 1, minWorkers: 1, idleTimeout: 10 }, async (pool) => {
    const tag = await pool.submit(tasks.workerTag);
    await sleep(100);
    assert.equal(pool.stats().workers, 1);
    assert.equal(await pool.submit(tasks.workerTag), tag, "the same worker ran the later call");
  });
  await withPool({ maxWorkers: 2, minWorkers: 2, idleTimeout: 10 }, async (pool) => {
    await Promise.all([pool.submit(tasks.square, 1), pool.submit(tasks.square, 2)]);
    assert.equal(pool.stats().workers, 2);
    await sleep(100);
    assert.equal(pool.stats().workers, 2);
  });
});

test(`worker pool (${runtime}): chunked map throws a call's error at that call's position`, () =>
  withPool({ maxWorkers: 2 }, async (pool) => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    for (const chunksize of [1, 3, 4, 20]) {
      const got: number[] = [];
      let caught: unknown;
      try {
        for await (const v of pool.map(
          (x: number) => {
            if (x === 7) throw Object.assign(new RangeError("seven"), { code: "E_SEVEN" });
            return x * 2;
          },
          items,
          { chunksize },
        )) {
          got.push(v);
        }
      } catch (error) {
        caught = error;
      }
      assert.deepEqual(got, [0, 2, 4, 6, 8, 10, 12], `chunksize ${chunksize}`);
      assert.ok(caught instanceof RangeError, `chunksize ${chunksize}: ${String(caught)}`);
      assert.equal((caught as { code?: string }).code, "E_SEVEN");
    }
  }));

test(`worker pool (${runtime}): map with a module task, chunksize and buffersize keeps input order`, () =>
  withPool({ maxWorkers: 3 }, async (pool) => {
    let read = 0;
    function* numbers() {
      for (let i = 0; i < 200; i++) {
        read++;
        yield i;
      }
    }
    const out: number[] = [];
    const it = pool.map(tasks.square, numbers(), { chunksize: 7, buffersize: 2 });
    assert.ok(read <= 14, `buffersize 2 × chunksize 7 bounds the read-ahead, read ${read}`);
    for await (const v of it) out.push(v);
    assert.deepEqual(out, Array.from({ length: 200 }, (_, i) => i * i));
  }));

test(`worker pool (${runtime}): map timeout rejects with TimeoutError and the pool is still usable`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    await pool.submit(tasks.square, 1); // the worker is started: the timeout is not spent starting it
    const it = pool.map(
      async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return ms;
      },
      [0, 60_000],
      { timeout: 1000 },
    );
    assert.equal((await it.next()).value, 0);
    const error = await errorOf(it.next());
    assert.equal(error.code, "ERR_TIMEOUT");
    assert.equal(error.name, "TimeoutError");
  }));

test(`worker pool (${runtime}): stats count the work`, () =>
  withPool({ maxWorkers: 2 }, async (pool) => {
    const fs = [pool.submit((n: number) => n, 1), pool.submit(() => { throw new Error("x"); }), pool.submit((n: number) => n, 2)];
    await outcomes(fs);
    const s = pool.stats();
    assert.equal(s.limit, 2);
    assert.equal(s.completed, 2);
    assert.equal(s.failed, 1);
    assert.equal(s.inFlight, 0);
    assert.equal(s.queued, 0);
    assert.ok(s.workers >= 1 && s.workers <= 2);
  }));
