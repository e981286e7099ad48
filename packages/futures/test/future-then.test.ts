// A future's then() as Promise.all, catch, finally and chains see it, on every runtime. On Bun
// this package's adapter makes futures plain objects whose then() runs on one plain promise
// made on first use (core future.ts, usePlainFutures); elsewhere a future is a promise and
// then() is its native then. Either way the outcome must be the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncPoolExecutor, CancelledError, Future } from "@concurrent/futures";
import { currentRuntime } from "@concurrent/testkit/helpers";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test("future then: Promise.all and allSettled over pool futures see values, errors and cancellation", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const ok = ex.submit(async (x: number) => x * x, 7);
  const error = new RangeError("boom");
  const bad = ex.submit(async () => {
    throw error;
  });
  const queued = ex.submit(async () => 1);
  assert.equal(queued.cancel(), true);
  assert.deepEqual(await Promise.all([ok, ok]), [49, 49]);
  const settled = await Promise.allSettled([ok, bad, queued]);
  assert.deepEqual(settled[0], { status: "fulfilled", value: 49 });
  assert.deepEqual(settled[1], { status: "rejected", reason: error });
  assert.equal(settled[2]!.status, "rejected");
  assert.ok((settled[2] as PromiseRejectedResult).reason instanceof CancelledError);
  await ex.shutdown();
});

test("future then: a future is a promise except on Bun; result() is a promise everywhere", async () => {
  const f = new Future<number>();
  assert.equal(f instanceof Promise, currentRuntime() !== "bun");
  assert.ok(f instanceof Future);
  const pending = f.result();
  assert.ok(pending instanceof Promise);
  assert.equal(f.result(), pending, "one promise per future, not one per call");
  f.setResult(5);
  assert.equal(await pending, 5);
  assert.equal(await f, 5);
  const done = new Future<number>();
  done.setResult(6);
  assert.ok(done.result() instanceof Promise);
  assert.equal(await done.result(), 6);
  assert.equal(await done.result(100), 6);
  assert.equal(Object.prototype.toString.call(done), "[object Future<finished>]");
});

test("future then: await and then() reject with the same error object, also for a cancelled future", async () => {
  const f = new Future<number>();
  f.cancel();
  const viaAwait = await f.then(
    () => undefined,
    (e: unknown) => e,
  );
  let viaThrow: unknown;
  try {
    await f;
  } catch (e) {
    viaThrow = e;
  }
  assert.ok(viaThrow instanceof CancelledError);
  assert.equal(viaAwait, viaThrow);
});

test("future then: then() before and after the future is done, catch and finally", async () => {
  const f = new Future<number>();
  const before = f.then((v) => v + 1);
  assert.ok(!(before instanceof Future), "then() makes a plain promise");
  f.setResult(41);
  assert.equal(await before, 42);
  assert.equal(await f.then((v) => v + 2), 43);
  const order: string[] = [];
  assert.equal(await f.finally(() => order.push("finally")), 41);
  assert.deepEqual(order, ["finally"]);

  const g = new Future<number>();
  const caught = g.catch((e: unknown) => (e as Error).message);
  g.setException(new Error("late"));
  assert.equal(await caught, "late");
  assert.equal(await g.catch((e: unknown) => (e as Error).message), "late");
});

test("future then: a value that is a thenable is adopted, as by the future itself", async () => {
  const f = new Future<unknown>();
  f.setResult(Promise.resolve("inner"));
  assert.equal(await f.then((v) => v), "inner");
  assert.equal(await f, "inner");
});

test("future then: a failed future nobody awaits, and one handled only through then(), raise no unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const onRejection = (e: unknown) => void unhandled.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    const f = new Future();
    f.setException(new Error("never asked for"));
    const g = new Future();
    const handled = g.then(undefined, () => "handled");
    g.setException(new Error("handled by then"));
    assert.equal(await handled, "handled");
    // result() asked for and dropped, before and after the future failed.
    const h = new Future();
    void h.result();
    h.setException(new Error("result() dropped"));
    const c = new Future();
    c.cancel();
    void c.result();
    await tick();
    await tick();
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  assert.deepEqual(unhandled, []);
});
