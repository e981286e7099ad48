// The conformance suite every executor passes: submit, map, asCompleted, wait, cancel,
// shutdown, stats — ported from CPython's Lib/test/test_concurrent_futures (executor.py,
// test_as_completed.py, test_wait.py, test_shutdown.py, test_thread_pool.py) plus the
// sentences of SPEC.md where it differs from Python on purpose. AsyncPoolExecutor,
// WorkerPoolExecutor and QueueExecutor (against a real Redis) all run it.
//
// Every task function here is SELF-CONTAINED (arguments and globals only): on a worker
// pool it is sent by source text and runs in another isolate. To observe what a task did,
// it writes to shared cells passed as an argument (the gate/flags layout below): a
// SharedArrayBuffer, or — for an executor whose arguments cannot share memory (a queue:
// they cross Redis as data) — the name of one on globalThis, which works because that
// executor's test harness runs its tasks in this process.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ALL_COMPLETED,
  asCompleted,
  BrokenExecutorError,
  CancelledError,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  FuturesError,
  ShutdownError,
  TimeoutError,
  currentSignal,
  wait,
  type Executor,
} from "@concurrent/core";
import { sleep, throwsOrRejects, until } from "@concurrent/testkit/helpers";

export interface SuiteExecutorOptions {
  maxWorkers?: number;
  initializer?: (...args: never[]) => unknown;
  initArgs?: unknown[];
}

/**
 * Where an executor legitimately differs from the contract, it says so here; each flag
 * names what the suite then does instead (assert the executor's own behaviour, or skip the
 * case with the reason given). Nothing is skipped silently.
 */
export interface SuiteCaps {
  /** The default `stats().limit` (a test of its own). */
  readonly defaultMaxWorkers?: number;
  /**
   * Arguments share a SharedArrayBuffer with the task. `false`: they cross as data; the
   * suite passes its cells by name (a global), so the harness must run tasks in this process.
   * @default true
   */
  readonly sharedMemory?: boolean;
  /**
   * Why `maxWorkers` is not the executor's own option (the bad-maxWorkers case is skipped
   * with this reason). @default undefined: it is
   */
  readonly noMaxWorkersOption?: string;
  /**
   * Why a running call is not told to stop when its signal aborts or its run-time timeout
   * passes (its future still rejects at once; the currentSignal() cases are skipped with
   * this reason). @default undefined: it is
   */
  readonly noStopOfRunningCalls?: string;
  /**
   * `stats().limit` is not `maxWorkers` but this fixed number, for the reason given. When it
   * is not finite (JSON has no Infinity), the plain-object check covers every other field and
   * asserts `limit` is exactly this number. @default undefined: `limit` is `maxWorkers`
   */
  readonly statsLimit?: { readonly value: number; readonly reason: string };
}

/** Cells a task writes to: a SharedArrayBuffer, or the name of one on globalThis. */
type Cells = SharedArrayBuffer | string;

let named = 0;
/** `bytes` of shared cells, passed to a task by reference or, `byName`, by a global's name. */
function cells(bytes: number, byName: boolean): { ref: Cells; a: Int32Array } {
  const sab = new SharedArrayBuffer(bytes);
  if (!byName) return { ref: sab, a: new Int32Array(sab) };
  const ref = `__concurrentSuiteCells${named++}`;
  (globalThis as Record<string, unknown>)[ref] = sab;
  return { ref, a: new Int32Array(sab) };
}

// ---- shared-memory gate: a[0] = gate (0 closed, 1 open), a[1] = started count,
//      a[2] = running now, a[3] = max running, a[FLAGS + i] = call i started ----------
const FLAGS = 8;
const SLOTS = FLAGS + 256;

function makeGate(byName: boolean): { sab: Cells; a: Int32Array; open(): void; started(): number; flag(i: number): number } {
  const { ref: sab, a } = cells(SLOTS * 4, byName);
  return { sab, a, open: () => void Atomics.store(a, 0, 1), started: () => Atomics.load(a, 1), flag: (i) => Atomics.load(a, FLAGS + i) };
}

// Tasks (self-contained). `gated` marks call i started, counts concurrency, waits for the gate.
const gated = async (sab: Cells, i: number): Promise<number> => {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 8 + i, 1);
  Atomics.add(a, 1, 1);
  const now = Atomics.add(a, 2, 1) + 1;
  for (let max = Atomics.load(a, 3); now > max; max = Atomics.load(a, 3)) Atomics.compareExchange(a, 3, max, now);
  while (Atomics.load(a, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  Atomics.sub(a, 2, 1);
  return i;
};
const gatedItem = (item: [Cells, number]): Promise<number> => {
  const [sab, i] = item;
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 8 + i, 1);
  Atomics.add(a, 1, 1);
  return (async () => {
    while (Atomics.load(a, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    return i;
  })();
};
const markItem = (item: [Cells, number]): number => {
  const a = new Int32Array(typeof item[0] === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[item[0]]! : item[0]);
  Atomics.store(a, 8 + item[1], 1);
  Atomics.add(a, 1, 1);
  return item[1];
};
const slowMark = async (item: [Cells, number]): Promise<number> => {
  const a = new Int32Array(typeof item[0] === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[item[0]]! : item[0]);
  Atomics.store(a, 8 + item[1], 1);
  Atomics.add(a, 1, 1);
  await new Promise((resolve) => setTimeout(resolve, 1));
  return item[1];
};
const pow = (x: number, y: number) => x ** y;
const mul = (x: number, y: number) => x * y;
const double = (x: number) => x * 2;
const sleepThen = async (ms: number, value: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
};
const inverse = (x: number) => {
  if (x === 0) throw new RangeError("division by zero");
  return 1 / x;
};
const fail = (message: string) => {
  throw new RangeError(message);
};

// Cancellation tasks (self-contained: on a worker pool `currentSignal` is the worker's, by
// name). `honour` raises a[1] when it starts, loops on small awaits until its signal
// aborts, then cleans up: a[2] = 1, a[3] = 1 if the signal's reason is an Error with the
// code it expects (so the task saw the same reason as its caller). It returns a value,
// which its aborted future must NOT take.
const honour = async (sab: Cells, code: string): Promise<string> => {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 1, 1);
  const signal = currentSignal();
  while (!currentSignal().aborted) await new Promise((resolve) => setTimeout(resolve, 2));
  // The same signal after the awaits, and its reason is the caller's.
  if (currentSignal() === signal && (signal.reason as { code?: unknown })?.code === code) Atomics.store(a, 3, 1);
  Atomics.store(a, 2, 1);
  return "cleaned up";
};
/** A random id, fixed for the life of the thread (worker) that runs it. */
const threadTag = (): number => ((globalThis as { __suiteTag?: number }).__suiteTag ??= Math.random());
/** Raises a[0] and returns what it was given; to see whether a call ran. */
const markRan = (sab: Cells, value: string): string => {
  Atomics.store(new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab), 0, 1);
  return value;
};

const isCode = (code: string) => (e: unknown) => e instanceof FuturesError && e.code === code;
const badArg = (type: typeof TypeError | typeof RangeError, mentions: RegExp) => (e: unknown) =>
  e instanceof type && mentions.test((e as Error).message);

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

export function executorSuite(name: string, make: (options?: SuiteExecutorOptions) => Executor, caps: SuiteCaps = {}): void {
  const byName = caps.sharedMemory === false;
  const gate = () => makeGate(byName);
  /** Run body with a fresh executor; always shut it down (cancelling what is left). */
  async function using(options: SuiteExecutorOptions | undefined, body: (ex: Executor) => Promise<void>, gates: { open(): void }[] = []): Promise<void> {
    const ex = make(options);
    try {
      await body(ex);
    } finally {
      for (const g of gates) g.open();
      await ex.shutdown({ cancelFutures: true });
    }
  }

  // ---- submit and the future's life ------------------------------------------------

  test(`${name}: submit returns a pending future at once and resolves to the value`, () =>
    using(undefined, async (ex) => {
      const f = ex.submit(pow, 2, 8);
      assert.ok(f instanceof Future);
      assert.equal(f.done(), false, "submit does not run the call inside submit");
      assert.equal(await f.result(), 256);
      assert.equal(await ex.submit(mul, 2, 21), 42);
      assert.equal(await ex.submit(sleepThen, 1, 7), 7, "async functions are awaited");
      assert.equal(await ex.submit(() => "no args"), "no args");
    }));

  test(`${name}: a task's error rejects its future with that error (name and message kept)`, () =>
    using(undefined, async (ex) => {
      const f = ex.submit(fail, "it broke");
      const error = await f.exception();
      assert.ok(error instanceof Error);
      assert.equal(error.name, "RangeError");
      assert.equal(error.message, "it broke");
      await assert.rejects(f.result(), (e: unknown) => (e as Error).message === "it broke");
      assert.equal(f.state, "finished");
      assert.equal(await ex.submit(pow, 3, 2), 9, "the executor carries on after a failing task");
    }));

  test(`${name}: a future goes pending -> running -> finished`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const f = ex.submit(gated, g.sab, 0);
        assert.equal(f.state, "pending");
        await until(() => g.flag(0) === 1, "the call to start");
        await until(() => f.state === "running", "the future to be running");
        assert.equal(f.running(), true);
        assert.equal(f.done(), false);
        g.open();
        assert.equal(await f, 0);
        assert.equal(f.state, "finished");
        assert.equal(f.done(), true);
      },
      [g],
    );
  });

  test(`${name}: cancel() of a queued call is true and it never runs; of a running call false`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const first = ex.submit(gated, g.sab, 0);
        const second = ex.submit(gated, g.sab, 1);
        await until(() => g.flag(0) === 1 && first.running(), "the first call to run");
        assert.equal(second.cancel(), true);
        assert.equal(second.cancelled(), true);
        assert.equal(first.cancel(), false, "a running call cannot be cancelled");
        await assert.rejects(second.result(), CancelledError);
        g.open();
        assert.equal(await first, 0);
        await ex.shutdown();
        assert.equal(g.flag(1), 0, "the cancelled call never ran");
      },
      [g],
    );
  });

  test(`${name}: many calls all complete with the right results`, () =>
    using(undefined, async (ex) => {
      const fs = Array.from({ length: 200 }, (_, i) => ex.submit(mul, i, 3));
      const values = await Promise.all(fs.map((f) => f.result()));
      assert.deepEqual(values, Array.from({ length: 200 }, (_, i) => i * 3));
    }));

  // ---- maxWorkers ----------------------------------------------------------------------

  test(`${name}: never more than maxWorkers calls in flight, and that many do run at once`, () => {
    const g = gate();
    return using(
      { maxWorkers: 3 },
      async (ex) => {
        const fs = Array.from({ length: 12 }, (_, i) => ex.submit(gated, g.sab, i));
        await until(() => g.started() === 3, "3 calls to start");
        await sleep(30); // give a broken limit the chance to start a fourth
        assert.equal(g.started(), 3);
        // A queue's futures learn that their job started from an event: wait for it.
        await until(() => fs.filter((f) => f.running()).length === 3, "3 futures to be running");
        assert.equal(fs.filter((f) => f.state === "pending").length, 9);
        g.open();
        assert.deepEqual(await Promise.all(fs), Array.from({ length: 12 }, (_, i) => i));
        assert.equal(Atomics.load(g.a, 3), 3, "max concurrently running");
      },
      [g],
    );
  });

  // ---- map -----------------------------------------------------------------------------

  test(`${name}: map yields results in input order (with and without chunksize)`, () =>
    using(undefined, async (ex) => {
      const items = Array.from({ length: 10 }, (_, i) => i);
      assert.deepEqual(await drain(ex.map(double, items)), items.map((x) => x * 2));
      assert.deepEqual(await drain(ex.map(double, items, { chunksize: 3 })), items.map((x) => x * 2));
      // later items finish first: order is still input order
      const delays = [12, 9, 6, 3, 0];
      const out = await drain(ex.map((ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), delays));
      assert.deepEqual(out, delays);
      assert.deepEqual(await drain(ex.map(double, [])), []);
    }));

  test(`${name}: map schedules every call at the call, before any next()`, () => {
    const g = gate();
    return using(undefined, async (ex) => {
      const items = Array.from({ length: 10 }, (_, i): [Cells, number] => [g.sab, i]);
      ex.map(markItem, items, { chunksize: 1 });
      await ex.shutdown();
      assert.equal(g.started(), 10);
    });
  });

  test(`${name}: map throws the error of call i from the next() that would yield result i`, () =>
    using(undefined, async (ex) => {
      const it = ex.map(inverse, [1, 2, 0, 4]);
      assert.deepEqual(await it.next(), { done: false, value: 1 });
      assert.deepEqual(await it.next(), { done: false, value: 0.5 });
      await assert.rejects(it.next(), (e: unknown) => e instanceof Error && e.name === "RangeError");
      assert.equal((await it.next()).done, true);
      // the same with chunks: results before the failing item still arrive first
      const chunked = ex.map(inverse, [1, 2, 0, 4, 5], { chunksize: 2 });
      assert.equal((await chunked.next()).value, 1);
      assert.equal((await chunked.next()).value, 0.5);
      await assert.rejects(chunked.next(), (e: unknown) => e instanceof Error && e.name === "RangeError");
    }));

  test(`${name}: map timeout: results ready in time are yielded, then next() throws TimeoutError`, () => {
    const g = gate();
    return using(
      undefined,
      async (ex) => {
        const sab = g.sab;
        const results: number[] = [];
        let caught: unknown;
        // Warm the executor first: the timeout runs from the map call and must not be spent
        // starting workers (slow on a loaded machine), only waiting for the blocked item.
        await ex.submit((x: number) => x, 0);
        const it = ex.map(
          (item: [Cells, number]) => {
            const a = new Int32Array(typeof item[0] === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[item[0]]! : item[0]);
            if (item[1] < 2) return item[1];
            return (async () => {
              while (Atomics.load(a, 0) === 0) await new Promise((r) => setTimeout(r, 1));
              return item[1];
            })();
          },
          [[sab, 0], [sab, 1], [sab, 2]] as [Cells, number][],
          { timeout: 1000, chunksize: 1 },
        );
        try {
          for await (const v of it) results.push(v);
        } catch (error) {
          caught = error;
        }
        assert.ok(caught instanceof TimeoutError, String(caught));
        assert.equal(caught.code, "ERR_TIMEOUT");
        assert.deepEqual(results, [0, 1]);
      },
      [g],
    );
  });

  test(`${name}: map timeout is measured from the map call, not from next()`, () => {
    const g = gate();
    return using(
      undefined,
      async (ex) => {
        const it = ex.map(gatedItem, [[g.sab, 0]] as [Cells, number][], { timeout: 20, chunksize: 1 });
        await until(() => g.flag(0) === 1, "the call to start");
        await sleep(40);
        g.open(); // the result now arrives within a few ms: in time, were the clock started by next()
        await assert.rejects(it.next(), TimeoutError);
      },
      [g],
    );
  });

  test(`${name}: map timeout cancels the calls not yet started (bpo: map_current_future_cancel)`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const busy = ex.submit(gated, g.sab, 0);
        await until(() => g.flag(0) === 1, "the pool to be saturated");
        const it = ex.map(markItem, [[g.sab, 1], [g.sab, 2]] as [Cells, number][], { timeout: 0, chunksize: 1 });
        await assert.rejects(it.next(), TimeoutError);
        g.open();
        assert.equal(await busy, 0);
        await ex.shutdown();
        assert.equal(g.flag(1), 0, "the timed-out call was cancelled");
        assert.equal(g.flag(2), 0, "the call after it was cancelled");
      },
      [g],
    );
  });

  for (const exit of ["break", "return()", "throw"] as const) {
    test(`${name}: leaving a map loop early (${exit}) cancels every call not yet started`, () => {
      const g = gate();
      return using(
        { maxWorkers: 1 },
        async (ex) => {
          const items = Array.from({ length: 20 }, (_, i): [Cells, number] => [g.sab, i]);
          g.open();
          const it = ex.map(slowMark, items, { chunksize: 1 });
          const seen: number[] = [];
          try {
            for await (const v of it) {
              seen.push(v);
              if (exit === "break") break;
              if (exit === "return()") await it.return?.();
              if (exit === "throw") throw new Error("leave");
            }
          } catch (error) {
            assert.equal((error as Error).message, "leave");
          }
          assert.deepEqual(seen, [0]);
          await ex.shutdown();
          assert.ok(g.started() < 20, `only the calls started before the exit ran (${g.started()} of 20)`);
          assert.equal(g.flag(19), 0, "the last call never ran");
        },
        [g],
      );
    });
  }

  test(`${name}: map buffersize reads only that many items ahead (Python 3.14 when_buffer_is_full)`, () =>
    using(undefined, async (ex) => {
      const ints = [0, 1, 2, 3][Symbol.iterator]();
      ex.map(double, { [Symbol.iterator]: () => ints }, { buffersize: 2, chunksize: 1 });
      await ex.shutdown();
      assert.deepEqual(ints.next(), { done: false, value: 2 });
    }));

  test(`${name}: map buffersize with an automatic chunksize counts items: a warm function reads only buffersize items`, () =>
    using(undefined, async (ex) => {
      // A function the pool has timed gets a large automatic chunksize; buffersize still
      // bounds what is read before the first next(), in items (SPEC; Python's test).
      await ex.submit(double, 1);
      await drain(ex.map(double, [1, 2, 3]));
      const ints = [0, 1, 2, 3][Symbol.iterator]();
      ex.map(double, { [Symbol.iterator]: () => ints }, { buffersize: 2 });
      await ex.shutdown();
      assert.deepEqual(ints.next(), { done: false, value: 2 });
    }));

  test(`${name}: map timeout covers an async input that stalls (after one item, or before any)`, () =>
    using(undefined, async (ex) => {
      async function* yieldsOnce() {
        yield 1;
        await new Promise(() => {});
      }
      await ex.submit(double, 0); // a started worker, so the first result is in well within the timeout
      const it = ex.map(double, yieldsOnce(), { timeout: 1000, chunksize: 1 });
      assert.deepEqual(await it.next(), { done: false, value: 2 });
      await assert.rejects(it.next(), (e: unknown) => e instanceof TimeoutError && e.code === "ERR_TIMEOUT");
      async function* never(): AsyncGenerator<number> {
        await new Promise(() => {});
      }
      await assert.rejects(ex.map(double, never(), { timeout: 50 }).next(), TimeoutError);
    }));

  test(`${name}: map buffersize over an endless generator runs in bounded memory`, () =>
    using(undefined, async (ex) => {
      let pulled = 0;
      function* naturals() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      let finished = false;
      function* tracked() {
        try {
          yield* naturals();
        } finally {
          finished = true;
        }
      }
      const out: number[] = [];
      let maxAhead = 0;
      for await (const v of ex.map(double, tracked(), { buffersize: 4, chunksize: 1 })) {
        out.push(v);
        maxAhead = Math.max(maxAhead, pulled - out.length);
        if (out.length === 200) break;
      }
      assert.deepEqual(out, Array.from({ length: 200 }, (_, i) => i * 2));
      assert.ok(maxAhead <= 4, `at most buffersize items read ahead of the consumer (was ${maxAhead})`);
      assert.ok(pulled <= 204);
      assert.equal(finished, true, "leaving the loop closes the source generator");
    }));

  test(`${name}: map accepts async iterables, in bounded memory with buffersize`, () =>
    using(undefined, async (ex) => {
      async function* source(n: number) {
        for (let i = 0; i < n; i++) {
          if (i % 3 === 0) await sleep(0);
          yield i;
        }
      }
      assert.deepEqual(await drain(ex.map(double, source(20))), Array.from({ length: 20 }, (_, i) => i * 2));
      assert.deepEqual(await drain(ex.map(double, source(20), { chunksize: 3 })), Array.from({ length: 20 }, (_, i) => i * 2));
      let pulled = 0;
      async function* endless() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const out: number[] = [];
      for await (const v of ex.map(double, endless(), { buffersize: 3, chunksize: 1 })) {
        out.push(v);
        assert.ok(pulled - out.length <= 4, `read ahead ${pulled - out.length}`);
        if (out.length === 50) break;
      }
      assert.deepEqual(out, Array.from({ length: 50 }, (_, i) => i * 2));
    }));

  test(`${name}: an error from the input iterable is thrown at its position`, () =>
    using(undefined, async (ex) => {
      function* items() {
        yield 1;
        yield 2;
        throw new SyntaxError("bad input");
      }
      const it = ex.map(double, items(), { chunksize: 1 });
      assert.equal((await it.next()).value, 2);
      assert.equal((await it.next()).value, 4);
      await assert.rejects(it.next(), SyntaxError);
      async function* asyncItems() {
        yield 1;
        throw new SyntaxError("bad async input");
      }
      const it2 = ex.map(double, asyncItems(), { chunksize: 1 });
      assert.equal((await it2.next()).value, 2);
      await assert.rejects(it2.next(), SyntaxError);
    }));

  test(`${name}: map with bad options is a TypeError/RangeError naming the option`, () =>
    using(undefined, async (ex) => {
      for (const chunksize of [0, -1, 1.5, NaN]) {
        await throwsOrRejects(() => ex.map(double, [1], { chunksize }).next(), badArg(RangeError, /chunksize/), `chunksize ${chunksize}`);
      }
      for (const buffersize of [0, -1, 1.5, NaN]) {
        await throwsOrRejects(() => ex.map(double, [1], { buffersize }).next(), badArg(RangeError, /buffersize/), `buffersize ${buffersize}`);
      }
      for (const timeout of [-1, NaN]) {
        await throwsOrRejects(() => ex.map(double, [1], { timeout }).next(), badArg(RangeError, /timeout/), `timeout ${timeout}`);
      }
      await throwsOrRejects(() => ex.map(double, [1], { chunksize: "2" as never }).next(), badArg(TypeError, /chunksize/), "chunksize '2'");
      await throwsOrRejects(() => ex.map(double, [1], { bufersize: 2 } as never).next(), badArg(TypeError, /bufersize/), "unknown option");
      await throwsOrRejects(() => ex.map(double, 42 as never).next(), badArg(TypeError, /iterable/), "items 42");
      assert.deepEqual(await drain(ex.map(double, [1, 2])), [2, 4], "the executor still works");
    }));

  // ---- asCompleted and wait over executor futures ------------------------------------

  test(`${name}: asCompleted over executor futures and done ones (Python test_no_timeout)`, () =>
    using(undefined, async (ex) => {
      const done = new Future<number>();
      done.setResult(1);
      const cancelled = new Future<number>();
      cancelled.cancel();
      const f1 = ex.submit(mul, 2, 21);
      const f2 = ex.submit(mul, 7, 6);
      const seen = new Set<Future<number>>();
      const it = asCompleted([cancelled, done, f1, f2]);
      for (let step = await it.next(); !step.done; step = await it.next()) seen.add(step.value);
      assert.deepEqual(seen, new Set([cancelled, done, f1, f2]));
    }));

  test(`${name}: asCompleted times out, leaving the running future out (Python test_future_times_out)`, () => {
    const g = gate();
    return using(
      undefined,
      async (ex) => {
        for (const timeout of [0, 20]) {
          const done = new Future<number>();
          done.setResult(1);
          const slow = ex.submit(gated, g.sab, 0);
          const seen: Future<number>[] = [];
          const it = asCompleted([done, slow], { timeout });
          let caught: unknown;
          try {
            for (let step = await it.next(); !step.done; step = await it.next()) seen.push(step.value);
          } catch (error) {
            caught = error;
          }
          assert.ok(caught instanceof TimeoutError);
          assert.deepEqual(seen, [done]);
        }
      },
      [g],
    );
  });

  test(`${name}: asCompleted yields a repeated future once (bpo-20367)`, () =>
    using(undefined, async (ex) => {
      const f = ex.submit(sleepThen, 2, 1);
      const seen: Future<number>[] = [];
      const it = asCompleted([f, f, f]);
      for (let step = await it.next(); !step.done; step = await it.next()) seen.push(step.value);
      assert.deepEqual(seen, [f]);
    }));

  test(`${name}: wait FIRST_COMPLETED / FIRST_EXCEPTION / ALL_COMPLETED over executor futures`, () => {
    const g = gate();
    return using(
      { maxWorkers: 4 },
      async (ex) => {
        const cancelled = new Future<number>();
        cancelled.cancel();
        const quick = ex.submit(mul, 21, 2);
        const blocked = ex.submit(gated, g.sab, 0);
        let r = await wait([quick, blocked], { returnWhen: FIRST_COMPLETED });
        assert.deepEqual(r.done, new Set([quick]));
        assert.deepEqual(r.notDone, new Set([blocked]));

        const failing = ex.submit(fail, "x");
        r = await wait([quick, failing, blocked], { returnWhen: FIRST_EXCEPTION });
        assert.deepEqual(r.done, new Set([quick, failing]));
        assert.deepEqual(r.notDone, new Set([blocked]));

        await until(() => blocked.running(), "the blocked call to run");
        r = await wait([quick, blocked, cancelled], { timeout: 20 });
        assert.deepEqual(r.done, new Set([quick, cancelled]));
        assert.deepEqual(r.notDone, new Set([blocked]));
        assert.equal(blocked.running(), true, "the wait timeout leaves the future running");

        const all = wait([quick, failing, blocked, cancelled], { returnWhen: ALL_COMPLETED });
        g.open();
        r = await all;
        assert.equal(r.done.size, 4);
        assert.equal(r.notDone.size, 0);
        r = await wait([quick, quick]);
        assert.deepEqual(r.done, new Set([quick]));
      },
      [g],
    );
  });

  // ---- shutdown ------------------------------------------------------------------------

  test(`${name}: submit after shutdown throws ShutdownError synchronously`, async () => {
    const ex = make();
    await ex.shutdown();
    assert.throws(
      () => ex.submit(pow, 2, 5),
      (e: unknown) => e instanceof ShutdownError && e instanceof FuturesError && e.code === "ERR_SHUTDOWN" && e.name === "ShutdownError",
    );
    const ex2 = make();
    void ex2.shutdown({ wait: false });
    assert.throws(() => ex2.submit(pow, 2, 5), ShutdownError, "already while shutting down");
  });

  test(`${name}: map after shutdown fails with ShutdownError`, async () => {
    const ex = make();
    await ex.shutdown();
    await throwsOrRejects(() => ex.map(double, [1, 2]).next(), isCode("ERR_SHUTDOWN"), "map after shutdown");
  });

  test(`${name}: shutdown is idempotent`, async () => {
    const ex = make();
    const f = ex.submit(sleepThen, 5, 1);
    await Promise.all([ex.shutdown(), ex.shutdown()]);
    await ex.shutdown();
    await ex.shutdown({ wait: false, cancelFutures: true });
    assert.equal(f.state, "finished");
    assert.throws(() => ex.submit(pow, 1, 1), ShutdownError);
  });

  test(`${name}: shutdown() waits for every submitted call (bpo-12364)`, async () => {
    const ex = make({ maxWorkers: 2 });
    const fs = Array.from({ length: 30 }, (_, i) => ex.submit(sleepThen, 1, i));
    await ex.shutdown();
    assert.ok(
      fs.every((f) => f.state === "finished"),
      "every future finished by the time shutdown() resolved",
    );
    assert.deepEqual(await Promise.all(fs), Array.from({ length: 30 }, (_, i) => i));
  });

  test(`${name}: shutdown({ cancelFutures: true }) cancels queued calls, lets running ones finish`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 1 });
    const running = ex.submit(gated, g.sab, 0);
    const queued = Array.from({ length: 10 }, (_, i) => ex.submit(gated, g.sab, i + 1));
    try {
      await until(() => g.flag(0) === 1 && running.running(), "the first call to start");
      const shut = ex.shutdown({ cancelFutures: true });
      assert.ok(queued.every((f) => f.cancelled()), "every queued call is cancelled at once");
      g.open();
      await shut;
      assert.equal(running.state, "finished");
      assert.equal(await running, 0);
      for (let i = 1; i <= 10; i++) assert.equal(g.flag(i), 0, `cancelled call ${i} never ran`);
      await assert.rejects(queued[0]!.result(), CancelledError);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });

  test(`${name}: shutdown() without cancelFutures runs the queued calls too`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 1 });
    const fs = Array.from({ length: 4 }, (_, i) => ex.submit(gated, g.sab, i));
    try {
      await until(() => g.flag(0) === 1, "the first call to start");
      const shut = ex.shutdown();
      g.open();
      await shut;
      assert.deepEqual(await Promise.all(fs), [0, 1, 2, 3]);
      assert.equal(g.started(), 4);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });

  test(`${name}: shutdown({ wait: false }) returns before running calls finish`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 1 });
    const f = ex.submit(gated, g.sab, 0);
    try {
      await until(() => g.flag(0) === 1, "the call to start");
      await ex.shutdown({ wait: false });
      assert.equal(f.done(), false, "still running after shutdown({ wait: false }) resolved");
      g.open();
      assert.equal(await f, 0);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });

  test(`${name}: shutdown after a call was submitted and cancelled does not hang (gh-94440)`, async () => {
    const ex = make({ maxWorkers: 1 });
    await ex.submit(pow, 1, 1);
    ex.submit(pow, 1, 1).cancel();
    await ex.shutdown();
  });

  test(`${name}: Symbol.asyncDispose is shutdown({ wait: true })`, async () => {
    const ex = make();
    const f = ex.submit(sleepThen, 5, 1);
    await ex[Symbol.asyncDispose]();
    assert.equal(f.state, "finished");
    assert.throws(() => ex.submit(pow, 1, 1), ShutdownError);
  });

  test(`${name}: await using shuts the executor down at scope exit`, async () => {
    let escaped: Executor | undefined;
    let f: Future<number> | undefined;
    {
      await using ex = make();
      escaped = ex;
      f = ex.submit(sleepThen, 5, 3);
      assert.deepEqual(await drain(ex.map((x: number) => Math.abs(x), [-2, -1, 0, 1])), [2, 1, 0, 1]);
    }
    assert.equal(f.state, "finished", "the scope exit waited for the call");
    assert.throws(() => escaped!.submit(pow, 1, 1), ShutdownError);
  });

  test(`${name}: unknown shutdown options are a TypeError naming them`, async () => {
    const ex = make();
    try {
      await throwsOrRejects(() => ex.shutdown({ cancel_futures: true } as never), badArg(TypeError, /cancel_futures/), "shutdown option");
    } finally {
      await ex.shutdown();
    }
  });

  // ---- initializer -----------------------------------------------------------------------

  test(`${name}: the initializer runs with initArgs before the first call`, () =>
    using(
      {
        initializer: (value: string) => {
          (globalThis as Record<string, unknown>)["__suiteInitValue"] = value;
        },
        initArgs: ["initialized-" + name],
      },
      async (ex) => {
        const read = () => (globalThis as Record<string, unknown>)["__suiteInitValue"];
        assert.equal(await ex.submit(read), "initialized-" + name);
      },
    ));

  test(`${name}: a failing initializer breaks the executor: pending and later futures fail with BrokenExecutorError`, async () => {
    const ex = make({
      initializer: () => {
        throw new Error("initializer failed");
      },
    });
    try {
      const pending = [ex.submit(pow, 2, 2), ex.submit(pow, 2, 3)];
      for (const f of pending) {
        const error = await f.exception(20_000);
        assert.ok(error instanceof BrokenExecutorError, String(error));
        assert.equal(error.code, "ERR_BROKEN_EXECUTOR");
        assert.equal(error.name, "BrokenExecutorError");
      }
      let later: Future<number> | undefined;
      try {
        later = ex.submit(pow, 2, 4);
      } catch (error) {
        assert.ok(error instanceof BrokenExecutorError, String(error));
      }
      if (later) assert.ok((await later.exception(20_000)) instanceof BrokenExecutorError);
    } finally {
      await ex.shutdown();
    }
  });

  // ---- stats ---------------------------------------------------------------------------

  test(`${name}: stats() shape and consistency (completed + failed + cancelled + inFlight + queued = submitted)`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 2 });
    const consistent = (submitted: number) => {
      const s = ex.stats();
      assert.equal(s.completed + s.failed + s.cancelled + s.inFlight + s.queued, submitted, JSON.stringify(s));
      return s;
    };
    try {
      const s0 = consistent(0);
      assert.equal(s0.limit, caps.statsLimit?.value ?? 2);
      for (const key of ["runTime", "waitTime"] as const) {
        for (const p of ["p50", "p90", "p99", "max", "samples"] as const) assert.equal(typeof s0[key][p], "number", `${key}.${p}`);
      }
      if (Number.isFinite(s0.limit)) assert.deepEqual(JSON.parse(JSON.stringify(s0)), s0, "a plain object");
      else {
        // Only a flagged executor gets here (limit is asserted to be its statsLimit above).
        const { limit: _limit, ...rest } = s0;
        assert.deepEqual(JSON.parse(JSON.stringify(rest)), rest, `a plain object but for limit (${caps.statsLimit?.reason})`);
      }
      const fs = Array.from({ length: 6 }, (_, i) => ex.submit(gated, g.sab, i));
      consistent(6);
      await until(() => g.started() === 2 && ex.stats().inFlight === 2, "two calls in flight");
      const s1 = consistent(6);
      assert.equal(s1.queued, 4);
      fs[5]!.cancel();
      consistent(6);
      const bad = ex.submit(fail, "x");
      g.open();
      await Promise.all(fs.slice(0, 5));
      await bad.exception();
      await ex.shutdown();
      const s2 = consistent(7);
      assert.equal(s2.completed, 5);
      assert.equal(s2.failed, 1);
      assert.equal(s2.cancelled, 1);
      assert.equal(s2.inFlight, 0);
      assert.equal(s2.queued, 0);
      assert.ok(s2.runTime.samples >= 5 && s2.runTime.max >= s2.runTime.p50 && s2.runTime.p99 >= s2.runTime.p50);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });

  // ---- submitWith --------------------------------------------------------------------

  test(`${name}: submitWith an aborted signal: the future rejects with signal.reason and the call never runs`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const reason = new Error("aborted before submit");
        const f = ex.submitWith({ signal: AbortSignal.abort(reason) }, gated, g.sab, 0);
        await assert.rejects(f.result(), (e) => e === reason);
        const blocker = ex.submit(gated, g.sab, 1);
        await until(() => g.flag(1) === 1, "the blocker to run");
        const controller = new AbortController();
        const queued = ex.submitWith({ signal: controller.signal }, gated, g.sab, 2);
        const reason2 = new Error("aborted while queued");
        controller.abort(reason2);
        await assert.rejects(queued.result(), (e) => e === reason2);
        g.open();
        assert.equal(await blocker, 1);
        assert.equal(await ex.submit(pow, 2, 3), 8, "the executor carries on");
        await ex.shutdown();
        assert.equal(g.flag(0), 0);
        assert.equal(g.flag(2), 0);
        const s = ex.stats();
        assert.equal(s.completed + s.failed + s.cancelled + s.inFlight + s.queued, 4, JSON.stringify(s));
      },
      [g],
    );
  });

  test(`${name}: submitWith timeout is run time: a running call past it rejects with TimeoutError; queueTimeout rejects a call that waited too long, which never runs`, () => {
    const g = gate();
    const ran = cells(4, byName);
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        // gated ignores its signal: grace 0 stops it at once on a worker pool (the async pool
        // cannot stop it: it keeps its slot until the gate opens).
        const running = ex.submitWith({ timeout: 20, grace: 0 }, gated, g.sab, 0);
        const queued = ex.submitWith({ queueTimeout: 20 }, markRan, ran.ref, "queued");
        await assert.rejects(running.result(), isCode("ERR_TIMEOUT"));
        await assert.rejects(queued.result(), isCode("ERR_TIMEOUT"));
        g.open();
        assert.equal(await ex.submitWith({ timeout: 60_000, queueTimeout: 60_000 }, pow, 2, 2), 4);
        await ex.shutdown();
        assert.equal(Atomics.load(ran.a, 0), 0, "the call past its queueTimeout never ran");
        const s = ex.stats();
        assert.equal(s.failed, 2, JSON.stringify(s));
      },
      [g],
    );
  });

  test(`${name}: a call queued behind a long one, with a timeout shorter than its wait but longer than its run, completes (piscina #869)`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const long = ex.submit(gated, g.sab, 0);
        await until(() => g.flag(0) === 1, "the long call to start");
        const short = ex.submitWith({ timeout: 100 }, pow, 3, 2);
        await sleep(300); // it waits three times its timeout
        assert.equal(short.state, "pending");
        g.open();
        assert.equal(await long, 0);
        assert.equal(await short, 9);
      },
      [g],
    );
  });

  for (const how of ["its signal aborts", "its run-time timeout passes"] as const) {
    test(`${name}: a task that honours currentSignal() stops when ${how}: its future rejects with the reason although it returned a value, it cleaned up, and it ran on the same thread afterwards`, { skip: caps.noStopOfRunningCalls ?? false }, () =>
      using({ maxWorkers: 1 }, async (ex) => {
        const before = await ex.submit(threadTag);
        const { ref: sab, a } = cells(16, byName);
        const controller = new AbortController();
        const reason = Object.assign(new Error("the caller gave up"), { code: "E_CALLER" });
        const f =
          how === "its signal aborts"
            ? ex.submitWith({ signal: controller.signal }, honour, sab, "E_CALLER")
            : ex.submitWith({ timeout: 30 }, honour, sab, "ERR_TIMEOUT");
        await until(() => Atomics.load(a, 1) === 1, "the task to start");
        if (how === "its signal aborts") controller.abort(reason);
        const error = await f.exception();
        if (how === "its signal aborts") assert.equal(error, reason);
        else assert.ok(isCode("ERR_TIMEOUT")(error), `got ${String(error)}`);
        await until(() => Atomics.load(a, 2) === 1, "the task's cleanup");
        assert.equal(Atomics.load(a, 3), 1, "the task saw the same signal after its awaits, with the caller's reason");
        assert.equal(await ex.submit(threadTag), before, "the same worker ran the next call (no respawn)");
        const s = ex.stats();
        assert.equal(s.failed, 1, JSON.stringify(s));
        assert.equal(s.completed, 2, JSON.stringify(s));
      }));
  }

  test(`${name}: submitWith a queueTimeout or timeout that is not reached leaves the call alone`, () =>
    using({ maxWorkers: 2 }, async (ex) => {
      const fs = Array.from({ length: 20 }, (_, i) => ex.submitWith({ timeout: 60_000, queueTimeout: 60_000, grace: 5 }, sleepThen, 1, i));
      assert.deepEqual(await Promise.all(fs), Array.from({ length: 20 }, (_, i) => i));
    }));

  test(`${name}: submitWith with bad options throws a TypeError/RangeError and submits nothing`, () => {
    const g = gate();
    return using(undefined, async (ex) => {
      let i = 0;
      for (const option of ["timeout", "queueTimeout", "grace"]) {
        for (const [value, type] of [[-1, RangeError], [NaN, RangeError], ["5", TypeError], [null, TypeError]] as const) {
          await throwsOrRejects(
            () => ex.submitWith({ [option]: value }, markItem, [g.sab, i++]),
            badArg(type, new RegExp(`\\b${option}\\b`)),
            `${option} ${String(value)}`,
          );
        }
      }
      await throwsOrRejects(() => ex.submitWith({ signal: "no" as never }, markItem, [g.sab, i++]), badArg(TypeError, /signal/), "signal");
      await throwsOrRejects(() => ex.submitWith({ timout: 1 } as never, markItem, [g.sab, i++]), badArg(TypeError, /timout/), "unknown option");
      assert.equal(await ex.submit(pow, 2, 5), 32, "the executor carries on");
      await ex.shutdown();
      assert.equal(g.started(), 0, "no call was submitted");
    });
  });

  // ---- bad input ---------------------------------------------------------------------

  test(`${name}: bad maxWorkers is a TypeError/RangeError naming maxWorkers`, { skip: caps.noMaxWorkersOption ?? false }, async () => {
    for (const maxWorkers of [0, -1, NaN, 1.5]) {
      assert.throws(() => make({ maxWorkers }), badArg(RangeError, /maxWorkers/), `maxWorkers ${maxWorkers}`);
    }
    assert.throws(() => make({ maxWorkers: "x" as never }), (e: unknown) => badArg(TypeError, /maxWorkers/)(e) || badArg(RangeError, /maxWorkers/)(e));
    assert.throws(() => make({ max_workers: 2 } as never), badArg(TypeError, /max_workers/));
  });

  test(`${name}: submit of something that is not a task is a TypeError`, () =>
    using(undefined, async (ex) => {
      await throwsOrRejects(() => ex.submit(42 as never), (e) => e instanceof TypeError, "submit(42)");
      assert.equal(await ex.submit(pow, 2, 1), 2);
    }));

  if (caps.defaultMaxWorkers !== undefined) {
    const expected = caps.defaultMaxWorkers;
    test(`${name}: the default maxWorkers is ${expected}`, async () => {
      const ex = make();
      try {
        assert.equal(ex.stats().limit, expected);
      } finally {
        await ex.shutdown();
      }
    });
  }
}
