// The stream suite, part: a stream is one call — for maxWorkers, stats(), shutdown, and
// timeout/queueTimeout/signal/grace with currentSignal(). See suite.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TimeoutError } from "@concurrent/core";
import { sleep, until } from "@concurrent/testkit/helpers";
import { drain } from "../executor/tasks.js";
import { endless, failsAt, gatedPair, isCancelled, rejection, take, threadTag, untilSignalled, valuesAndError, type StreamContext } from "./tasks.js";

/** Tags its thread (as threadTag does); on return() its finally takes 20 ms, then marks a[1]. */
async function* slowFinally(sab: string | SharedArrayBuffer) {
  (globalThis as { __suiteTag?: number }).__suiteTag ??= Math.random();
  try {
    for (let i = 0; ; i++) yield i;
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 20));
    Atomics.store(new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab), 1, 1);
  }
}

export function limitCases({ name, make, caps, shared, using }: StreamContext): void {
  // "A stream is one call for maxWorkers, stats(), …"
  test(`${name} stream: a stream is one call: it holds one slot until it ends and counts once in stats()`, () => {
    const s = shared();
    return using(
      1,
      async (ex) => {
        const before = ex.stats();
        const stream = ex.stream(gatedPair, s.ref);
        await stream.next();
        const queued = ex.submit((x: number) => x * 2, 21);
        await sleep(20);
        assert.equal(queued.done(), false, "the call waits for the stream's slot");
        s.open();
        assert.deepEqual(await drain(stream), ["second"]);
        assert.equal(await queued, 42);
        const failing = ex.stream(failsAt, 3);
        assert.deepEqual((await valuesAndError(failing)).values, [0, 1, 2]);
        await rejection(failing.future);
        // Left by its consumer while it runs, a stream counts as cancelled, on every executor
        // alike (closed by its signal or timeout, it is an aborted call: failed).
        const left = ex.stream(endless, s.ref);
        await left.next();
        await left.return();
        assert.ok(isCancelled(await rejection(left.future)));
        const after = ex.stats();
        assert.equal(after.completed - before.completed, 2, `the stream and the call: two calls completed; ${JSON.stringify(after)}`);
        assert.equal(after.failed - before.failed, 1, `the failing stream: one call failed; ${JSON.stringify(after)}`);
        assert.equal(after.cancelled - before.cancelled, 1, `the stream left early: one call cancelled; ${JSON.stringify(after)}`);
        assert.equal(after.inFlight, 0);
      },
      [s],
    );
  });

  // "… shutdown (wait waits for open streams; cancelFutures cancels those not started)"
  test(`${name} stream: shutdown({ wait: true }) waits for an open stream; cancelFutures cancels streams not started`, () => {
    const s = shared();
    const t = shared();
    const ex = make({ maxWorkers: 1 });
    return (async () => {
      try {
        const open = ex.stream(gatedPair, s.ref);
        assert.deepEqual(await open.next(), { done: false, value: "first" });
        const notStarted = ex.stream(endless, t.ref);
        let shutDown = false;
        const shutdown = ex.shutdown({ wait: true, cancelFutures: true }).then(() => (shutDown = true));
        assert.ok(isCancelled(await rejection(notStarted.future)), "the stream not started is cancelled");
        assert.ok(isCancelled(await rejection(notStarted.next())));
        await sleep(20);
        assert.equal(shutDown, false, "shutdown waits for the open stream");
        s.open();
        assert.deepEqual(await drain(open), ["second"]);
        await shutdown;
        assert.equal(shutDown, true);
        assert.equal(t.started(), false);
      } finally {
        s.open();
        await ex.shutdown({ cancelFutures: true });
      }
    })();
  });

  // "… timeout/queueTimeout/grace as above": timeout is run time, counted from the start;
  // currentSignal() aborts when it runs out.
  test(`${name} stream: timeout closes a stream that runs too long: TimeoutError after the values before, currentSignal() aborted, finally runs`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const stream = ex.streamWith({ timeout: 150, highWaterMark: 4 }, untilSignalled, s.ref);
      await take(stream, 2);
      // The consumer stops taking: the producer waits for credit until the timeout closes it.
      const error = await rejection(stream.future);
      assert.ok(error instanceof TimeoutError, `got ${String(error)}`);
      await until(s.finallyRan, "the generator's finally block to run");
      assert.equal(s.phase(), 1, "the task saw its currentSignal() aborted");
      assert.ok((await rejection(drain(stream))) instanceof TimeoutError, "next() rejects with it after the buffered values");
      assert.equal(await ex.submit((x: number) => x + 1, 1), 2, "the one slot runs the next call");
    });
  });

  test(`${name} stream: queueTimeout — a stream that waits too long to start never runs`, () => {
    const blocker = shared();
    const s = shared();
    return using(
      1,
      async (ex) => {
        const first = ex.stream(gatedPair, blocker.ref);
        await first.next();
        const late = ex.streamWith({ queueTimeout: 50 }, endless, s.ref);
        const error = await rejection(late.next());
        assert.ok(error instanceof TimeoutError, `got ${String(error)}`);
        assert.ok((await rejection(late.future)) instanceof TimeoutError);
        blocker.open();
        assert.deepEqual(await drain(first), ["second"]);
        assert.equal(await ex.submit((x: number) => x + 1, 1), 2);
        assert.equal(s.started(), false);
      },
      [blocker],
    );
  });

  test(`${name} stream: the task's currentSignal() aborts when its stream's signal does`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const controller = new AbortController();
      const stream = ex.streamWith({ signal: controller.signal, highWaterMark: 2 }, untilSignalled, s.ref);
      await take(stream, 3);
      controller.abort();
      assert.ok(isCancelled(await rejection(stream.future)));
      await until(s.finallyRan, "the generator to end");
      assert.equal(s.phase(), 1, "the task saw its signal aborted");
    });
  });

  // "grace — ms an aborted running call gets to return by itself …": a stream left early
  // whose finally ends within grace keeps its worker.
  test(`${name} stream: break — a finally that ends within grace runs, the future rejects with CancelledError, the same worker runs the next call`, () => {
    const s = shared();
    return using(1, async (ex) => {
      const before = await ex.submit(threadTag);
      const stream = ex.streamWith({ grace: 5_000 }, slowFinally, s.ref);
      for await (const v of stream) if (v === 3) break;
      assert.ok(isCancelled(await rejection(stream.future)), "the future rejects with CancelledError");
      await until(s.finallyRan, "the generator's finally to run where it runs");
      assert.equal(await ex.submit(threadTag), before, "no respawn");
    });
  });
}
