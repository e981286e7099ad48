// Future: ported from CPython's Lib/test/test_concurrent_futures/test_future.py, plus the
// places where SPEC.md differs from Python on purpose (awaitable, thenable adoption,
// result(timeout) leaving the future untouched).
import { test } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, Future, FuturesError, InvalidStateError, TimeoutError } from "@concurrent/core";
import { throwsOrRejects } from "@concurrent/testkit/helpers";

type State = "pending" | "running" | "cancelled" | "finished";

/** One future in each state, as CPython's util.create_future fixtures. */
function make(state: State | "failed"): Future<number> {
  const f = new Future<number>();
  if (state === "running") f.setRunningOrNotifyCancel();
  if (state === "cancelled") f.cancel();
  if (state === "finished") f.setResult(42);
  if (state === "failed") f.setException(new RangeError("boom"));
  return f;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Collect console.error calls made during fn. */
function captureConsoleError(fn: () => void): unknown[][] {
  const calls: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void calls.push(args);
  try {
    fn();
  } finally {
    console.error = original;
  }
  return calls;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<unknown> {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected a rejection with ${code}`),
    (error: unknown) => (caught = error),
  );
  assert.ok(caught instanceof FuturesError, `expected a FuturesError, got ${String(caught)}`);
  assert.equal((caught as FuturesError).code, code);
  return caught;
}

test("future: a new future is pending and not done", () => {
  const f = new Future();
  assert.equal(f.state, "pending");
  assert.equal(f.done(), false);
  assert.equal(f.running(), false);
  assert.equal(f.cancelled(), false);
});

test("future: state, done(), running(), cancelled() in every state", () => {
  const expect: Record<string, [State, boolean, boolean, boolean]> = {
    pending: ["pending", false, false, false],
    running: ["running", false, true, false],
    cancelled: ["cancelled", true, false, true],
    finished: ["finished", true, false, false],
    failed: ["finished", true, false, false],
  };
  for (const [name, [state, done, running, cancelled]] of Object.entries(expect)) {
    const f = make(name as State);
    assert.equal(f.state, state, name);
    assert.equal(f.done(), done, `${name} done()`);
    assert.equal(f.running(), running, `${name} running()`);
    assert.equal(f.cancelled(), cancelled, `${name} cancelled()`);
  }
});

test("future: cancel() is true for pending and already-cancelled, false for running and finished", () => {
  const pending = make("pending");
  assert.equal(pending.cancel(), true);
  assert.equal(pending.state, "cancelled");

  const running = make("running");
  assert.equal(running.cancel(), false);
  assert.equal(running.state, "running");

  const cancelled = make("cancelled");
  assert.equal(cancelled.cancel(), true);
  assert.equal(cancelled.state, "cancelled");

  const finished = make("finished");
  assert.equal(finished.cancel(), false);
  assert.equal(finished.state, "finished");

  const failed = make("failed");
  assert.equal(failed.cancel(), false);
  assert.equal(failed.state, "finished");
});

test("future: cancelling marks it done and runs its callbacks (once, even if cancelled again)", () => {
  const f = new Future();
  const seen: boolean[] = [];
  f.addDoneCallback((g) => seen.push(g.cancelled()));
  assert.equal(f.cancel(), true);
  assert.equal(f.done(), true);
  assert.deepEqual(seen, [true]);
  assert.equal(f.cancel(), true);
  assert.deepEqual(seen, [true]);
});

test("future: result() of a finished future is its value", async () => {
  assert.equal(await make("finished").result(), 42);
  assert.equal(await make("finished").result(0), 42);
});

test("future: result() rejects with the task's own error", async () => {
  const error = new RangeError("boom");
  const f = new Future();
  f.setException(error);
  await assert.rejects(f.result(), (e) => e === error);
  await assert.rejects(f.result(0), (e) => e === error);
});

test("future: result() of a cancelled future rejects with CancelledError", async () => {
  await rejectsWith(make("cancelled").result(), "ERR_CANCELLED");
  await rejectsWith(make("cancelled").result(0), "ERR_CANCELLED");
});

test("future: result() waits for a later setResult", async () => {
  const f = new Future<string>();
  const r = f.result(60_000);
  setTimeout(() => f.setResult("later"), 1);
  assert.equal(await r, "later");
});

test("future: result() waiting on a future that is then cancelled rejects with CancelledError", async () => {
  const f = new Future();
  const r = f.result(60_000);
  setTimeout(() => f.cancel(), 1);
  const error = await rejectsWith(r, "ERR_CANCELLED");
  assert.ok(error instanceof CancelledError);
});

test("future: result(timeout) rejects with TimeoutError for pending and running futures", async () => {
  for (const state of ["pending", "running"] as const) {
    const f = make(state);
    const error = await rejectsWith(f.result(0), "ERR_TIMEOUT");
    assert.ok(error instanceof TimeoutError);
    await rejectsWith(f.result(5), "ERR_TIMEOUT");
  }
});

test("future: a result(timeout) that runs out leaves the future untouched", async () => {
  const f = new Future<number>();
  f.setRunningOrNotifyCancel();
  const callbacks: string[] = [];
  f.addDoneCallback((g) => callbacks.push(g.state));
  await rejectsWith(f.result(1), "ERR_TIMEOUT");
  assert.equal(f.state, "running");
  assert.deepEqual(callbacks, []);
  // it can still complete normally, and later waiters see the value
  f.setResult(7);
  assert.equal(await f.result(), 7);
  assert.deepEqual(callbacks, ["finished"]);

  const p = new Future<number>();
  await rejectsWith(p.result(1), "ERR_TIMEOUT");
  assert.equal(p.state, "pending");
  assert.equal(p.cancel(), true, "a timed-out pending future can still be cancelled");
});

test("future: exception() is the error, undefined on success, CancelledError/TimeoutError as result()", async () => {
  const error = new RangeError("boom");
  const failed = new Future();
  failed.setException(error);
  assert.equal(await failed.exception(), error);
  assert.equal(await failed.exception(0), error);
  assert.equal(await make("finished").exception(), undefined);
  assert.equal(await make("finished").exception(0), undefined);
  await rejectsWith(make("cancelled").exception(), "ERR_CANCELLED");
  await rejectsWith(make("pending").exception(0), "ERR_TIMEOUT");
  await rejectsWith(make("running").exception(1), "ERR_TIMEOUT");
});

test("future: exception() waits for a later setException", async () => {
  const f = new Future();
  const e = f.exception(60_000);
  const error = new Error("later");
  setTimeout(() => f.setException(error), 1);
  assert.equal(await e, error);
});

test("future: a task whose error is itself a TimeoutError/CancelledError is reported as that error", async () => {
  const own = new TimeoutError("the task's own timeout");
  const f = new Future();
  f.setException(own);
  assert.equal(await f.exception(), own);
  await assert.rejects(f.result(), (e) => e === own);
  assert.equal(f.cancelled(), false);
});

test("future: exception() does not treat a thrown undefined as success", async () => {
  const f = new Future();
  f.setException(undefined);
  await assert.rejects(f.result(), (e) => e === undefined);
  assert.equal(await f.exception(), undefined);
  assert.equal(f.state, "finished");
});

test("future: done callback sees the result", () => {
  const f = new Future<number>();
  const states: string[] = [];
  f.addDoneCallback((g) => states.push(`${g.state}:${String(g === f)}`));
  assert.deepEqual(states, []);
  f.setResult(5);
  assert.deepEqual(states, ["finished:true"]);
});

test("future: done callback on a failed future", async () => {
  const f = new Future();
  let seen: unknown;
  const error = new Error("test");
  f.addDoneCallback((g) => (seen = g.exception()));
  f.setException(error);
  assert.equal(await seen, error);
});

test("future: done callbacks run in the order they were added, each once", () => {
  const f = new Future();
  const order: number[] = [];
  for (let i = 0; i < 5; i++) f.addDoneCallback(() => order.push(i));
  f.setResult(undefined);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.throws(() => f.setResult(undefined));
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test("future: addDoneCallback on a done future runs fn synchronously inside the call", () => {
  for (const state of ["finished", "failed", "cancelled"] as const) {
    const f = make(state);
    let ran = false;
    let sawSelf = false;
    f.addDoneCallback((g) => {
      ran = true;
      sawSelf = g === f;
    });
    assert.equal(ran, true, `${state}: the callback ran before addDoneCallback returned`);
    assert.equal(sawSelf, true);
  }
});

test("future: a throwing callback is logged with console.error and does not stop the others", () => {
  const f = new Future();
  let raisingCalled = false;
  let nextCalled = false;
  const doh = new Error("doh!");
  f.addDoneCallback(() => {
    raisingCalled = true;
    throw doh;
  });
  f.addDoneCallback(() => (nextCalled = true));
  const calls = captureConsoleError(() => f.setResult(5));
  assert.equal(raisingCalled, true);
  assert.equal(nextCalled, true);
  assert.equal(calls.length, 1);
  assert.ok(calls[0]!.includes(doh), "the thrown error is logged");
  assert.equal(f.state, "finished");
});

test("future: a throwing callback on an already-done future is logged, not thrown", () => {
  const f = make("finished");
  const doh = new Error("doh!");
  const calls = captureConsoleError(() =>
    f.addDoneCallback(() => {
      throw doh;
    }),
  );
  assert.equal(calls.length, 1);
  assert.ok(calls[0]!.includes(doh));
});

test("future: a throwing callback does not become an uncaught error", async () => {
  const uncaught: unknown[] = [];
  const onError = (e: unknown) => void uncaught.push(e);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  try {
    const f = new Future();
    f.addDoneCallback(() => {
      throw new Error("doh!");
    });
    captureConsoleError(() => f.cancel());
    await tick();
    await tick();
  } finally {
    process.off("uncaughtException", onError);
    process.off("unhandledRejection", onError);
  }
  assert.deepEqual(uncaught, []);
});

test("future: addDoneCallback rejects a non-function with a TypeError", () => {
  assert.throws(() => new Future().addDoneCallback(42 as never), TypeError);
});

test("future: setResult or setException on a done future throws InvalidStateError and keeps the first outcome", async () => {
  const f = new Future<number>();
  f.setResult(1);
  assert.throws(() => f.setResult(2), (e: unknown) => e instanceof InvalidStateError && e.code === "ERR_INVALID_STATE");
  assert.throws(() => f.setException(new Error("x")), InvalidStateError);
  assert.equal(await f.result(), 1);

  const g = new Future();
  const error = new RangeError("first");
  g.setException(error);
  assert.throws(() => g.setException(new Error("second")), InvalidStateError);
  assert.throws(() => g.setResult(1), InvalidStateError);
  assert.equal(await g.exception(), error);

  const c = make("cancelled");
  assert.throws(() => c.setResult(1), InvalidStateError);
  assert.throws(() => c.setException(new Error()), InvalidStateError);
  assert.equal(c.state, "cancelled");
});

test("future: setRunningOrNotifyCancel is true for pending, false for cancelled, throws otherwise", () => {
  const f = new Future();
  assert.equal(f.setRunningOrNotifyCancel(), true);
  assert.equal(f.state, "running");
  assert.throws(() => f.setRunningOrNotifyCancel(), InvalidStateError);
  assert.equal(make("cancelled").setRunningOrNotifyCancel(), false);
  assert.throws(() => make("finished").setRunningOrNotifyCancel(), InvalidStateError);
});

test("future: a running future can be completed with setResult and setException", async () => {
  const f = make("running");
  f.setResult(3);
  assert.equal(await f, 3);
  const g = make("running");
  const error = new Error("x");
  g.setException(error);
  assert.equal(await g.exception(), error);
});

test("future: await future gives the value, or throws the error", async () => {
  assert.equal(await make("finished"), 42);
  const f = new Future<string>();
  setTimeout(() => f.setResult("v"), 1);
  assert.equal(await f, "v");
  const error = new Error("e");
  const g = new Future();
  g.setException(error);
  await assert.rejects(async () => await g, (e) => e === error);
  await assert.rejects(async () => await make("cancelled"), (e: unknown) => e instanceof CancelledError);
});

test("future: a promise resolved with a future adopts its outcome", async () => {
  const f = new Future<number>();
  const adopted = new Promise((resolve) => f.addDoneCallback(resolve));
  f.setResult(9);
  assert.equal(await adopted, 9);

  const g = new Future();
  const error = new Error("adopted error");
  const adoptedError = new Promise((resolve) => g.addDoneCallback(resolve));
  g.setException(error);
  await assert.rejects(adoptedError, (e) => e === error);

  assert.equal(await Promise.resolve(make("finished")), 42);
  await assert.rejects(Promise.resolve(make("cancelled")), CancelledError);
});

test("future: a future is a native promise that await and Promise.all take as it is", async () => {
  class TaggedFuture<T> extends Future<T> {
    readonly tag = "mine";
  }
  for (const f of [new Future<number>(), new TaggedFuture<number>()]) {
    assert.ok(f instanceof Promise);
    assert.ok(f instanceof Future);
    // PromiseResolve hands back the future itself: no wrapper promise, no adoption job.
    assert.equal(Promise.resolve(f), f);
    const chained = f.then((v) => v * 2);
    assert.ok(!(chained instanceof Future), "then() makes a plain promise");
    const all = Promise.all([f, f]);
    f.setResult(21);
    assert.deepEqual(await all, [21, 21]);
    assert.equal(await chained, 42);
    assert.equal(await f.result(), 21);
  }
});

test("future: an async generator cannot yield a future (yield awaits it)", async () => {
  const f = make("finished");
  async function* gen() {
    yield f as unknown;
  }
  const out: unknown[] = [];
  for await (const v of gen()) out.push(v);
  assert.deepEqual(out, [42]);
});

test("future: then() chains like a promise", async () => {
  const f = make("finished");
  assert.equal(await f.then((v) => v + 1), 43);
  const c = make("cancelled");
  assert.equal(await c.then(undefined, (e: unknown) => (e instanceof CancelledError ? "caught" : "other")), "caught");
});

test("future: result() of a pending future that nobody awaits raises no unhandled rejection when it fails", async () => {
  const unhandled: unknown[] = [];
  const onRejection = (e: unknown) => void unhandled.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    const f = new Future();
    await rejectsWith(f.result(1), "ERR_TIMEOUT");
    f.setException(new Error("late"));
    const g = new Future();
    g.setException(new Error("never asked for"));
    await tick();
    await tick();
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  assert.deepEqual(unhandled, []);
});


test("future: a timeout that is negative, NaN or not a number is a RangeError/TypeError naming it", async () => {
  const f = new Future();
  for (const bad of [-1, NaN]) {
    await throwsOrRejects(() => f.result(bad), RangeError, /timeout/);
    await throwsOrRejects(() => f.exception(bad), RangeError, /timeout/);
  }
  await throwsOrRejects(() => f.result("10" as never), TypeError, /timeout/);
  assert.equal(f.state, "pending");
});

test("future: Future<number> is usable where Future<unknown> is expected", async () => {
  const f: Future<number> = make("finished");
  const wide: Future<unknown> = f;
  assert.equal(await wide.result(), 42);
});
