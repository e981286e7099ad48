// The stream suite, part: back-pressure, leaving early (break, return(), a signal), and a
// worker that dies mid-stream. See suite.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkerExitedError } from "@concurrent/core";
import { sleep, until } from "@concurrent/testkit/helpers";
import { drain } from "../executor/tasks.js";
import { counted, diesAfterThree, endless, gatedPair, isCancelled, rejection, take, valuesAndError, type StreamContext } from "./tasks.js";

export function flowCases({ name, caps, shared, using }: StreamContext): void {
  // "Back-pressure: the task runs at most highWaterMark values ahead of the consumer, then
  // pauses until the consumer takes more"
  for (const highWaterMark of [undefined, 1, 8, 100]) {
    test(`${name} stream: back-pressure — the task runs ahead of a consumer that stops, then pauses, never more than highWaterMark (${highWaterMark ?? "default 16"}) values ahead`, () => {
      const s = shared();
      const limit = (highWaterMark ?? 16) + (highWaterMark === 1 ? caps.highWaterMarkOneSlack?.values ?? 0 : 0);
      return using(1, async (ex) => {
        const n = 300;
        const stream = highWaterMark === undefined ? ex.stream(counted, s.ref, n) : ex.streamWith({ highWaterMark }, counted, s.ref, n);
        let taken = 0;
        let maxAhead = 0;
        let pausedAhead = 0;
        for await (const v of stream) {
          assert.equal(v, taken);
          taken++;
          maxAhead = Math.max(maxAhead, s.yielded() - taken);
          if (taken === 3 || taken === 150) {
            // The consumer stops: the task runs ahead as far as it may, then pauses there.
            await until(async () => {
              const made = s.yielded();
              await sleep(10);
              return made > taken && s.yielded() === made;
            }, "the task to run ahead of the consumer, then pause");
            maxAhead = Math.max(maxAhead, s.yielded() - taken);
            if (taken === 3) pausedAhead = s.yielded() - taken;
          }
        }
        assert.equal(taken, n);
        assert.ok(maxAhead <= limit, `ran ${maxAhead} values ahead (highWaterMark ${highWaterMark ?? 16}, at most ${limit})`);
        assert.ok(pausedAhead >= 1, `ran ahead of the consumer while it waited (${pausedAhead})`);
      });
    });
  }

  // "Leaving early (break, return(), an AbortSignal) closes the producer: the generator's
  // return() runs in the worker (its finally blocks run), the call's slot is freed, and
  // stream.future rejects with CancelledError."
  test(`${name} stream: break closes the producer — its finally runs, the slot is freed, the future rejects with CancelledError`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.stream(endless, s.ref);
      let got = 0;
      for await (const v of stream) {
        assert.equal(v, got);
        if (++got === 20) break;
      }
      assert.ok(isCancelled(await rejection(stream.future)), "the future rejects with CancelledError");
      await until(s.finallyRan, "the generator's finally block to run where it runs");
      const made = s.yielded();
      assert.deepEqual(await stream.next(), { done: true, value: undefined }, "next() after leaving is done");
      assert.equal(await ex.submit((x: number) => x + 1, 1), 2, "the one slot runs the next call");
      assert.equal(s.yielded(), made, "the producer stopped");
      const { completed, failed, cancelled, inFlight } = ex.stats();
      assert.deepEqual({ calls: completed + failed + cancelled, inFlight }, { calls: 2, inFlight: 0 }, `the stream counts as one call; ${JSON.stringify(ex.stats())}`);
    });
  });

  test(`${name} stream: return() closes the producer the same way, and next() then ends`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.stream(endless, s.ref);
      await take(stream, 3);
      assert.deepEqual(await stream.return(), { done: true, value: undefined });
      assert.deepEqual(await stream.next(), { done: true, value: undefined });
      assert.ok(isCancelled(await rejection(stream.future)));
      await until(s.finallyRan, "the generator's finally block to run where it runs");
      assert.equal(await ex.submit((x: number) => x + 1, 1), 2, "the one slot runs the next call");
    });
  });

  test(`${name} stream: an AbortSignal closes the producer: finally runs, next() and the future reject with CancelledError`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const controller = new AbortController();
      const stream = ex.streamWith({ signal: controller.signal }, endless, s.ref);
      await take(stream, 5);
      controller.abort(new Error("enough"));
      const error = await rejection(drain(stream));
      assert.ok(isCancelled(error), `next() rejects with CancelledError, got ${String(error)}`);
      assert.equal(((error as Error).cause as Error)?.message, "enough", "the signal's reason is the cause");
      assert.ok(isCancelled(await rejection(stream.future)));
      // The future rejects at once (as any aborted call's); the task then returns by itself.
      await until(s.finallyRan, "the generator's finally block to run where it runs");
      assert.equal(await ex.submit((x: number) => x + 1, 1), 2, "the one slot runs the next call");
    });
  });

  test(`${name} stream: a signal aborted before the stream starts: the task never runs`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.streamWith({ signal: AbortSignal.abort() }, endless, s.ref);
      assert.ok(isCancelled(await rejection(stream.next())));
      assert.ok(isCancelled(await rejection(stream.future)));
      assert.equal(await ex.submit((x: number) => x * 3, 2), 6);
      assert.equal(s.started(), false);
    });
  });

  test(`${name} stream: leaving a stream that has not started yet cancels it; it never runs`, () => {
    const blocker = shared();
    const s = shared();
    return using(
      1,
      async (ex) => {
        const first = ex.stream(gatedPair, blocker.ref);
        const second = ex.stream(endless, s.ref);
        assert.deepEqual(await first.next(), { done: false, value: "first" });
        await second.return();
        blocker.open();
        assert.deepEqual(await drain(first), ["second"]);
        assert.ok(isCancelled(await rejection(second.future)));
        assert.equal(await ex.submit((x: number) => x * 3, 2), 6);
        assert.equal(s.started(), false, "the closed stream never started");
      },
      [blocker],
    );
  });

  // "A worker that dies mid-stream: next() rejects with WorkerExitedError after the values
  // already delivered."
  test(`${name} stream: a worker that dies mid-stream: the delivered values, then WorkerExitedError; the executor carries on`, { skip: caps.noWorkerToKill ?? false }, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.streamWith({ highWaterMark: 4 }, diesAfterThree, s.ref);
      const values: number[] = [];
      let error: unknown;
      try {
        for await (const v of stream) {
          values.push(v);
          if (values.length === 3) s.open();
        }
      } catch (e) {
        error = e;
      }
      assert.deepEqual(values, [0, 1, 2]);
      assert.ok(error instanceof WorkerExitedError && error.code === "ERR_WORKER_EXITED", `got ${String(error)}`);
      assert.equal(await rejection(stream.future), error);
      assert.deepEqual((await valuesAndError(ex.stream(counted, shared().ref, 3))).values, [0, 1, 2], "the worker was replaced");
    });
  });
}
