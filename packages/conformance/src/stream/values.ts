// The stream suite, part: what a stream delivers — its sources, order and completeness,
// values as they are made, stream.future, errors at their position, bad input. See suite.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { asCompleted, FuturesError, wait } from "@concurrent/core";
import { drain } from "../executor/tasks.js";
import {
  arrayOf, asyncIterableOf, count, countAsync, failsAt, gatedPair, laterArray, notIterable, rejection, valuesAndError, yieldSleepYield, yieldsFunctionAt,
  type StreamContext,
} from "./tasks.js";

export function valueCases({ name, make, caps, shared, using }: StreamContext): void {
  // "fn is a generator or async generator function, or returns a (sync or async) iterable"
  test(`${name} stream: a generator, an async generator, a returned array, async iterable or promise of one all stream`, () =>
    using(2, async (ex) => {
      assert.deepEqual(await drain(ex.stream(count, 5)), [0, 1, 2, 3, 4]);
      assert.deepEqual(await drain(ex.stream(countAsync, 7)), [0, 1, 2, 3, 4, 5, 6]);
      assert.deepEqual(await drain(ex.stream(arrayOf, 4)), [0, 1, 2, 3]);
      assert.deepEqual(await drain(ex.stream(asyncIterableOf, 3)), [0, 1, 2]);
      assert.deepEqual(await drain(ex.stream(laterArray, 3)), [0, 1, 2]);
      assert.deepEqual(await drain(ex.streamWith({ highWaterMark: 1 }, count, 3)), [0, 1, 2]);
      assert.deepEqual(await drain(ex.stream(count, 0)), []);
    }));

  // "an AsyncIterableIterator<Y> of the values in the order the task yields them"
  test(`${name} stream: a 100,000-value stream arrives complete and in order, then its return value`, () =>
    using(2, async (ex) => {
      const n = 100_000;
      const stream = ex.streamWith({ highWaterMark: 4096 }, count, n);
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
        const stream = ex.stream(gatedPair, s.ref);
        // Were values held until the task ends, this would never resolve: the task ends only
        // once the gate opens, which happens after the first value is here.
        assert.deepEqual(await stream.next(), { done: false, value: "first" });
        assert.equal(stream.future.done(), false, "the task is still running");
        s.open();
        assert.deepEqual(await stream.next(), { done: false, value: "second" });
        assert.deepEqual(await stream.next(), { done: true, value: undefined });
        assert.equal(await stream.future, "done");
      },
      [s],
    );
  });

  test(`${name} stream: a value yielded before a 500 ms sleep is held by the consumer before the sleep ends`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.stream(yieldSleepYield, s.ref);
      assert.deepEqual(await stream.next(), { done: false, value: "before" });
      assert.notEqual(s.phase(), 2, "the first value came before the task woke from its sleep");
      assert.deepEqual(await drain(stream), ["after"]);
    });
  });

  // "stream.future — settles when the task ends (with the generator's return value), so
  // streams work with wait and asCompleted; it rejects with the task's error"
  test(`${name} stream: stream.future holds the return value and works with wait and asCompleted`, () =>
    using(2, async (ex) => {
      const a = ex.stream(count, 3);
      const b = ex.stream(countAsync, 4);
      await Promise.all([drain(a), drain(b)]);
      const { done, notDone } = await wait([a.future, b.future]);
      assert.equal(done.size, 2);
      assert.equal(notDone.size, 0);
      const results: unknown[] = [];
      for await (const f of asCompleted([a.future, b.future])) results.push(await f);
      assert.deepEqual(results.sort(), [4, "end"].sort());
    }));

  // "An error thrown by the task is thrown by the consumer's next() after every value
  // yielded before it."
  test(`${name} stream: an error thrown by the task comes after every value yielded before it, with its fields; the future rejects with it`, () =>
    using(1, async (ex) => {
      for (const highWaterMark of [1, 16]) {
        const stream = ex.streamWith({ highWaterMark }, failsAt, 40);
        const { values, error } = await valuesAndError(stream);
        assert.deepEqual(values, Array.from({ length: 40 }, (_, i) => i));
        assert.ok(error instanceof RangeError, `got ${String(error)}`);
        assert.equal((error as RangeError & { code: string }).code, "E_STREAM_TASK");
        assert.equal(await rejection(stream.future), error, "the future rejects with the same error");
        assert.deepEqual(await stream.next(), { done: true, value: undefined });
      }
      assert.equal(await ex.submit((x: number) => x + 1, 41), 42, "the executor carries on");
    }));

  test(`${name} stream: concurrent next() calls get successive values`, () =>
    using(1, async (ex) => {
      const stream = ex.stream(countAsync, 10);
      const results = await Promise.all(Array.from({ length: 12 }, () => stream.next()));
      assert.deepEqual(
        results.map((r) => (r.done ? "done" : r.value)),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, "done", "done"],
      );
    }));

  // ---- bad input ("Bad input gets a clear error and breaks nothing", issue 17) ----------

  // "Invalid options — to … streamWith … — throw synchronously a TypeError or RangeError
  // whose message names the option; the executor carries on."
  test(`${name} stream: a highWaterMark that is 0, negative, NaN or not an integer throws a RangeError naming it; the executor carries on`, () =>
    using(1, async (ex) => {
      for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
        assert.throws(() => ex.streamWith({ highWaterMark: bad }, count, 3), (e: unknown) => e instanceof RangeError && /highWaterMark/.test(e.message), String(bad));
      }
      assert.throws(() => ex.streamWith({ highWaterMark: "8" as unknown as number }, count, 3), (e: unknown) => e instanceof TypeError && /highWaterMark/.test(e.message));
      assert.throws(() => ex.streamWith({ highWatermark: 8 } as never, count, 3), (e: unknown) => e instanceof TypeError && /highWatermark/.test(e.message));
      for (const option of ["timeout", "queueTimeout", "grace"]) {
        assert.throws(() => ex.streamWith({ [option]: -1 }, count, 3), (e: unknown) => e instanceof RangeError && new RegExp(`\\b${option}\\b`).test(e.message), option);
      }
      assert.equal(ex.stats().queued + ex.stats().inFlight, 0, "nothing was scheduled");
      assert.deepEqual(await drain(ex.stream(count, 2)), [0, 1]);
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
      assert.deepEqual(await drain(ex.stream(count, 2)), [0, 1], "the executor carries on");
    }));

  // "a value that cannot be cloned (that stream fails at that value, with its index; the
  // pool carries on)"
  test(`${name} stream: a value that cannot be cloned fails the stream at that value, with its index; the executor carries on`, { skip: caps.valuesNotCopied ?? false }, () =>
    using(1, async (ex) => {
      const stream = ex.streamWith({ highWaterMark: 64 }, yieldsFunctionAt, 5);
      const { values, error } = await valuesAndError(stream);
      assert.deepEqual(values, [0, 1, 2, 3, 4]);
      assert.ok(error instanceof TypeError, `got ${String(error)}`);
      assert.match((error as Error).message, /#5/);
      assert.equal((error as TypeError & { index?: number }).index, 5);
      assert.equal(await rejection(stream.future), error);
      assert.deepEqual(await drain(ex.stream(count, 2)), [0, 1], "the executor carries on");
    }));

  test(`${name} stream: after shutdown, stream throws ShutdownError synchronously`, async () => {
    const ex = make({ maxWorkers: 1 });
    await ex.shutdown();
    assert.throws(() => ex.stream(count, 1), (e: unknown) => e instanceof FuturesError && e.code === "ERR_SHUTDOWN");
  });
}
