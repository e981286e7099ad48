// The "Streaming tasks" section of SPEC.md, as a suite every executor runs (issue 17).
// Each test names the sentence it checks. Tasks are SELF-CONTAINED (on a worker pool they
// are sent by source and run in another isolate); to observe what a task did, it writes to
// a SharedArrayBuffer passed as an argument: a[0] = how many values it yielded, a[1] = its
// finally block ran, a[2] = it started, a[3] = a gate the consumer opens, a[4] = a phase.
import { test } from "node:test";
import assert from "node:assert/strict";
import { asCompleted, CancelledError, currentSignal, FuturesError, TimeoutError, wait, type Executor, type TaskStream } from "@concurrent/futures";

const YIELDED = 0;
const FINALLY = 1;
const STARTED = 2;
const GATE = 3;
const PHASE = 4;

function shared() {
  const sab = new SharedArrayBuffer(8 * 4);
  const a = new Int32Array(sab);
  return {
    sab,
    yielded: () => Atomics.load(a, YIELDED),
    finallyRan: () => Atomics.load(a, FINALLY) === 1,
    started: () => Atomics.load(a, STARTED) === 1,
    phase: () => Atomics.load(a, PHASE),
    open: () => void Atomics.store(a, GATE, 1),
  };
}

// ---- tasks (self-contained) ------------------------------------------------------------

function* count(n: number) {
  for (let i = 0; i < n; i++) yield i;
  return "end";
}
async function* countAsync(n: number) {
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    yield i;
  }
  return n;
}
const arrayOf = (n: number) => Array.from({ length: n }, (_, i) => i);
const asyncIterableOf = (n: number) => ({
  async *[Symbol.asyncIterator]() {
    for (let i = 0; i < n; i++) yield i;
  },
});
const laterArray = async (n: number) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return Array.from({ length: n }, (_, i) => i);
};
// Counts in a[0] how many values it has produced (the store comes before the yield).
function* counted(sab: SharedArrayBuffer, n: number) {
  const a = new Int32Array(sab);
  for (let i = 0; i < n; i++) {
    Atomics.store(a, 0, i + 1);
    yield i;
  }
}
// Endless; marks started and, in finally, that return() ran.
async function* endless(sab: SharedArrayBuffer) {
  const a = new Int32Array(sab);
  Atomics.store(a, 2, 1);
  try {
    for (let i = 0; ; i++) {
      Atomics.store(a, 0, i + 1);
      yield i;
      if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    Atomics.store(a, 1, 1);
  }
}
// Yields `first`, then waits for the consumer to open the gate, then yields `second`.
async function* gatedPair(sab: SharedArrayBuffer) {
  const a = new Int32Array(sab);
  Atomics.store(a, 2, 1);
  try {
    yield "first";
    while (Atomics.load(a, 3) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    yield "second";
    return "done";
  } finally {
    Atomics.store(a, 1, 1);
  }
}
// Yields, sleeps 500 ms (a[4]: 1 while asleep, 2 after), yields again.
async function* yieldSleepYield(sab: SharedArrayBuffer) {
  const a = new Int32Array(sab);
  yield "before";
  Atomics.store(a, 4, 1);
  await new Promise((resolve) => setTimeout(resolve, 500));
  Atomics.store(a, 4, 2);
  yield "after";
}
// Yields until its call's signal aborts; in finally notes (a[4] = 1) that it saw the abort.
async function* untilSignalled(sab: SharedArrayBuffer) {
  const a = new Int32Array(sab);
  const signal = currentSignal();
  try {
    for (let i = 0; !signal.aborted; i++) {
      yield i;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    if (signal.aborted) Atomics.store(a, 4, 1);
    Atomics.store(a, 1, 1);
  }
}
function* failsAt(n: number) {
  for (let i = 0; i < n; i++) yield i;
  throw Object.assign(new RangeError(`failed after ${n} values`), { code: "E_STREAM_TASK" });
}
function notIterable(n: number) {
  return n * 2;
}

// ---- helpers ---------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(cond: () => boolean, what: string, guardMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > guardMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** The error a promise rejects with (a hang guard turns a lost settle into a failure). */
async function rejection(p: PromiseLike<unknown>, guardMs = 20_000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`did not settle within ${guardMs} ms`)), guardMs)));
  try {
    await Promise.race([p, guard]);
  } catch (error) {
    if (error instanceof Error && /did not settle within/.test(error.message)) throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
  assert.fail("expected a rejection");
}

async function take<T>(stream: TaskStream<T, unknown>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const r = await stream.next();
    assert.equal(r.done, false, `value ${i} missing`);
    out.push(r.value as T);
  }
  return out;
}

async function all<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of stream) out.push(v);
  return out;
}

const isCancelled = (e: unknown) => e instanceof CancelledError && (e as FuturesError).code === "ERR_CANCELLED";

export interface StreamSuiteCaps {
  /** Whether tasks run in another isolate (their values are cloned). */
  readonly isolated: boolean;
}

export function streamSuite(name: string, make: (maxWorkers: number) => Executor, _caps: StreamSuiteCaps): void {
  async function using(maxWorkers: number, body: (ex: Executor) => Promise<void>, after?: () => void): Promise<void> {
    const ex = make(maxWorkers);
    try {
      await body(ex);
    } finally {
      after?.();
      await ex.shutdown({ cancelFutures: true });
    }
  }

  // "stream(fn, ...args) ... run a task that produces many values: fn is a generator or
  // async generator function, or returns a (sync or async) iterable"
  test(`${name} stream: a generator, an async generator, a returned array, async iterable or promise of one all stream`, () =>
    using(2, async (ex) => {
      assert.deepEqual(await all(ex.stream(count, 5)), [0, 1, 2, 3, 4]);
      assert.deepEqual(await all(ex.stream(countAsync, 7)), [0, 1, 2, 3, 4, 5, 6]);
      assert.deepEqual(await all(ex.stream(arrayOf, 4)), [0, 1, 2, 3]);
      assert.deepEqual(await all(ex.stream(asyncIterableOf, 3)), [0, 1, 2]);
      assert.deepEqual(await all(ex.stream(laterArray, 3)), [0, 1, 2]);
      assert.deepEqual(await all(ex.streamWith({ highWaterMark: 1 }, count, 3)), [0, 1, 2]);
      assert.deepEqual(await all(ex.stream(count, 0)), []);
    }));

  // "an AsyncIterableIterator<Y> of the values in the order the task yields them"
  test(`${name} stream: a 100,000-value stream arrives complete and in order`, () =>
    using(2, async (ex) => {
      const n = 100_000;
      const stream = ex.stream(count, n);
      let expected = 0;
      let misplaced = -1;
      for await (const v of stream) {
        if (v !== expected && misplaced < 0) misplaced = expected;
        expected++;
      }
      assert.equal(misplaced, -1, `value ${misplaced} out of place`);
      assert.equal(expected, n);
      assert.equal(await stream.future, "end");
    }));

  // "each delivered as soon as it is produced (not when the task ends)"
  test(`${name} stream: the first value arrives while the task still runs (it waits for the consumer to have it)`, () => {
    const s = shared();
    return using(
      1,
      async (ex) => {
        const stream = ex.stream(gatedPair, s.sab);
        // Were values held until the task ends, this would never resolve: the task ends only
        // once the gate opens, which happens after the first value is here.
        assert.deepEqual(await stream.next(), { done: false, value: "first" });
        assert.equal(stream.future.done(), false, "the task is still running");
        s.open();
        assert.deepEqual(await stream.next(), { done: false, value: "second" });
        assert.deepEqual(await stream.next(), { done: true, value: undefined });
        assert.equal(await stream.future, "done");
      },
      s.open,
    );
  });

  test(`${name} stream: a value yielded before a 500 ms sleep is held by the consumer before the sleep ends`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.stream(yieldSleepYield, s.sab);
      assert.deepEqual(await stream.next(), { done: false, value: "before" });
      assert.notEqual(s.phase(), 2, "the first value came before the task woke from its sleep");
      assert.deepEqual(await all(stream), ["after"]);
    });
  });

  // "stream.future — settles when the task ends (with the generator's return value), so
  // streams work with wait and asCompleted; it rejects with the task's error"
  test(`${name} stream: stream.future holds the return value and works with wait and asCompleted`, () =>
    using(2, async (ex) => {
      const a = ex.stream(count, 3);
      const b = ex.stream(countAsync, 4);
      await Promise.all([all(a), all(b)]);
      const { done, notDone } = await wait([a.future, b.future]);
      assert.equal(done.size, 2);
      assert.equal(notDone.size, 0);
      const results: unknown[] = [];
      for await (const f of asCompleted([a.future, b.future])) results.push(await f);
      assert.deepEqual(results.sort(), [4, "end"].sort());
    }));

  // "Back-pressure: the task runs at most highWaterMark values ahead of the consumer, then
  // pauses until the consumer takes more"
  for (const highWaterMark of [undefined, 1, 8, 100]) {
    test(`${name} stream: back-pressure — the task never runs more than highWaterMark (${highWaterMark ?? "default 16"}) values ahead of a slow consumer`, () => {
      const s = shared();
      const limit = highWaterMark ?? 16;
      return using(1, async (ex) => {
        const n = 600;
        const stream = highWaterMark === undefined ? ex.stream(counted, s.sab, n) : ex.streamWith({ highWaterMark }, counted, s.sab, n);
        let taken = 0;
        let maxAhead = 0;
        let pausedAt = -1;
        for await (const v of stream) {
          assert.equal(v, taken);
          taken++;
          maxAhead = Math.max(maxAhead, s.yielded() - taken);
          if (taken === 3 || taken === 250) {
            await sleep(100); // the producer runs as far as it may meanwhile
            const ahead = s.yielded() - taken;
            maxAhead = Math.max(maxAhead, ahead);
            if (taken === 3) pausedAt = s.yielded();
          }
        }
        assert.equal(taken, n);
        assert.ok(maxAhead <= limit, `ran ${maxAhead} values ahead (highWaterMark ${limit})`);
        assert.ok(pausedAt > 3, `the task ran ahead of the consumer while it slept (got to ${pausedAt})`);
        assert.ok(pausedAt <= 3 + limit, `and paused within highWaterMark (got to ${pausedAt})`);
      });
    });
  }

  // "Leaving early (break, return(), an AbortSignal) closes the producer: the generator's
  // return() runs in the worker (its finally blocks run), the call's slot is freed, and
  // stream.future rejects with CancelledError."
  test(`${name} stream: break closes the producer — its finally runs, the slot is freed, the future rejects with CancelledError`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.stream(endless, s.sab);
      let got = 0;
      for await (const v of stream) {
        assert.equal(v, got);
        if (++got === 20) break;
      }
      assert.ok(isCancelled(await rejection(stream.future)), "the future rejects with CancelledError");
      assert.ok(s.finallyRan(), "the generator's finally block ran where it runs");
      assert.deepEqual(await stream.next(), { done: true, value: undefined }, "next() after leaving is done");
      assert.equal(ex.stats().inFlight, 0, "the slot is free");
      assert.equal(await ex.submit((x: number) => x + 1, 1), 2, "the one slot runs the next call");
    });
  });

  test(`${name} stream: return() closes the producer the same way, and pending next() calls end`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.stream(endless, s.sab);
      await take(stream, 3);
      assert.deepEqual(await stream.return(), { done: true, value: undefined });
      assert.deepEqual(await stream.next(), { done: true, value: undefined });
      assert.ok(isCancelled(await rejection(stream.future)));
      assert.ok(s.finallyRan());
      assert.equal(ex.stats().inFlight, 0);
    });
  });

  test(`${name} stream: an AbortSignal closes the producer: finally runs, next() and the future reject with CancelledError`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const controller = new AbortController();
      const stream = ex.streamWith({ signal: controller.signal }, endless, s.sab);
      await take(stream, 5);
      controller.abort(new Error("enough"));
      const error = await rejection(all(stream));
      assert.ok(isCancelled(error), `next() rejects with CancelledError, got ${String(error)}`);
      assert.equal(((error as Error).cause as Error)?.message, "enough", "the signal's reason is the cause");
      assert.ok(isCancelled(await rejection(stream.future)));
      // The future rejects at once (as any aborted call's); the task then returns by itself.
      await until(s.finallyRan, "the generator's finally block to run where it runs");
      await until(() => ex.stats().inFlight === 0, "the slot to be freed");
    });
  });

  test(`${name} stream: a signal aborted before the stream starts: the task never runs`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.streamWith({ signal: AbortSignal.abort() }, endless, s.sab);
      assert.ok(isCancelled(await rejection(stream.next())));
      assert.ok(isCancelled(await rejection(stream.future)));
      assert.equal(s.started(), false);
      assert.equal(await ex.submit((x: number) => x * 3, 2), 6);
    });
  });

  test(`${name} stream: leaving a stream that has not started yet cancels it; it never runs`, () => {
    const blocker = shared();
    const s = shared();
    return using(
      1,
      async (ex) => {
        const first = ex.stream(gatedPair, blocker.sab);
        const second = ex.stream(endless, s.sab);
        assert.deepEqual(await first.next(), { done: false, value: "first" });
        await second.return();
        blocker.open();
        assert.deepEqual(await all(first), ["second"]);
        assert.ok(isCancelled(await rejection(second.future)));
        assert.equal(s.started(), false, "the closed stream never started");
      },
      blocker.open,
    );
  });

  // "timeout/queueTimeout/grace as above": timeout is run time, counted from the start.
  test(`${name} stream: timeout closes a stream that runs too long: TimeoutError, finally runs`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.streamWith({ timeout: 300, highWaterMark: 4 }, endless, s.sab);
      await take(stream, 2);
      // The consumer stops taking: the producer waits for credit until the timeout closes it.
      const error = await rejection(stream.future);
      assert.ok(error instanceof TimeoutError, `got ${String(error)}`);
      await until(s.finallyRan, "the generator's finally block to run");
      assert.ok((await rejection(all(stream))) instanceof TimeoutError, "next() rejects with it after the buffered values");
    });
  });

  test(`${name} stream: queueTimeout — a stream that waits too long to start never runs`, () => {
    const blocker = shared();
    const s = shared();
    return using(
      1,
      async (ex) => {
        const first = ex.stream(gatedPair, blocker.sab);
        await first.next();
        const late = ex.streamWith({ queueTimeout: 100 }, endless, s.sab);
        const error = await rejection(late.next());
        assert.ok(error instanceof TimeoutError, `got ${String(error)}`);
        blocker.open();
        assert.deepEqual(await all(first), ["second"]);
        assert.equal(s.started(), false);
      },
      blocker.open,
    );
  });

  test(`${name} stream: the task's currentSignal() aborts when its stream's signal does`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const controller = new AbortController();
      const stream = ex.streamWith({ signal: controller.signal, highWaterMark: 2 }, untilSignalled, s.sab);
      await take(stream, 3);
      controller.abort();
      assert.ok(isCancelled(await rejection(stream.future)));
      await until(s.finallyRan, "the generator to end");
      assert.equal(s.phase(), 1, "the task saw its signal aborted");
    });
  });

  // "An error thrown by the task is thrown by the consumer's next() after every value
  // yielded before it."
  test(`${name} stream: an error thrown by the task comes after every value yielded before it`, () =>
    using(1, async (ex) => {
      for (const highWaterMark of [1, 16]) {
        const stream = ex.streamWith({ highWaterMark }, failsAt, 40);
        const values: number[] = [];
        let error: unknown;
        try {
          for await (const v of stream) values.push(v);
        } catch (e) {
          error = e;
        }
        assert.deepEqual(values, Array.from({ length: 40 }, (_, i) => i));
        assert.ok(error instanceof RangeError, `got ${String(error)}`);
        assert.equal((error as RangeError & { code: string }).code, "E_STREAM_TASK");
        assert.equal(await rejection(stream.future), error, "the future rejects with the same error");
        assert.deepEqual(await stream.next(), { done: true, value: undefined });
      }
      assert.equal(await ex.submit((x: number) => x + 1, 41), 42, "the executor carries on");
    }));

  // "A stream is one call for maxWorkers, stats(), shutdown ..."
  test(`${name} stream: a stream is one call: it holds one slot until it ends and counts once in stats()`, () => {
    const s = shared();
    return using(
      1,
      async (ex) => {
        const before = ex.stats().completed;
        const stream = ex.stream(gatedPair, s.sab);
        await stream.next();
        const queued = ex.submit((x: number) => x * 2, 21);
        await sleep(20);
        assert.equal(queued.done(), false, "the call waits for the stream's slot");
        assert.equal(ex.stats().inFlight, 1);
        s.open();
        assert.deepEqual(await all(stream), ["second"]);
        assert.equal(await queued, 42);
        assert.equal(ex.stats().completed - before, 2, "the stream and the call: two calls");
      },
      s.open,
    );
  });

  test(`${name} stream: shutdown({ wait: true }) waits for an open stream; cancelFutures cancels streams not started`, () => {
    const s = shared();
    const t = shared();
    const ex = make(1);
    return (async () => {
      try {
        const open = ex.stream(gatedPair, s.sab);
        assert.deepEqual(await open.next(), { done: false, value: "first" });
        const notStarted = ex.stream(endless, t.sab);
        let shutDown = false;
        const shutdown = ex.shutdown({ wait: true, cancelFutures: true }).then(() => (shutDown = true));
        assert.ok(isCancelled(await rejection(notStarted.future)), "the stream not started is cancelled");
        assert.ok(isCancelled(await rejection(notStarted.next())));
        await sleep(20);
        assert.equal(shutDown, false, "shutdown waits for the open stream");
        s.open();
        assert.deepEqual(await all(open), ["second"]);
        await shutdown;
        assert.equal(shutDown, true);
        assert.equal(t.started(), false);
      } finally {
        s.open();
        await ex.shutdown({ cancelFutures: true });
      }
    })();
  });

  test(`${name} stream: concurrent next() calls get successive values`, () =>
    using(1, async (ex) => {
      const stream = ex.stream(countAsync, 10);
      const results = await Promise.all(Array.from({ length: 12 }, () => stream.next()));
      assert.deepEqual(
        results.map((r) => (r.done ? "done" : r.value)),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, "done", "done"],
      );
    }));

  // Bad input: "highWaterMark 0, negative or NaN (RangeError naming it)"; a task that returns
  // something that is not iterable (TypeError naming the task, through next() and future).
  test(`${name} stream: a highWaterMark that is not an integer ≥ 1 throws synchronously, naming it; the executor carries on`, () =>
    using(1, async (ex) => {
      for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
        assert.throws(() => ex.streamWith({ highWaterMark: bad }, count, 3), (e: unknown) => e instanceof RangeError && /highWaterMark/.test(e.message), String(bad));
      }
      assert.throws(() => ex.streamWith({ highWaterMark: "8" as unknown as number }, count, 3), (e: unknown) => e instanceof TypeError && /highWaterMark/.test(e.message));
      assert.throws(() => ex.streamWith({ highWatermark: 8 } as never, count, 3), (e: unknown) => e instanceof TypeError && /highWatermark/.test(e.message));
      assert.deepEqual(await all(ex.stream(count, 2)), [0, 1]);
    }));

  test(`${name} stream: a task that returns something not iterable fails with a TypeError naming it, through next() and the future`, () =>
    using(1, async (ex) => {
      const stream = ex.stream(notIterable as never as (n: number) => Iterable<number>, 4);
      const error = await rejection(stream.next());
      assert.ok(error instanceof TypeError, `got ${String(error)}`);
      assert.match((error as Error).message, /notIterable/);
      assert.match((error as Error).message, /not iterable/);
      const fromFuture = await rejection(stream.future);
      assert.ok(fromFuture instanceof TypeError);
      assert.match((fromFuture as Error).message, /notIterable/);
      assert.deepEqual(await all(ex.stream(count, 2)), [0, 1], "the executor carries on");
    }));

  test(`${name} stream: after shutdown, stream throws ShutdownError synchronously`, async () => {
    const ex = make(1);
    await ex.shutdown();
    assert.throws(() => ex.stream(count, 1), (e: unknown) => e instanceof FuturesError && e.code === "ERR_SHUTDOWN");
  });
}
