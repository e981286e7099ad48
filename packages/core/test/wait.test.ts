// wait: ported from CPython's test_wait.py (futures completed by hand instead of by an
// executor; the executor-backed cases live in the shared executor suite).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Future, wait } from "@concurrent/core";
import { sleep, throwsOrRejects } from "@concurrent/testkit/helpers";
import { cancelled, failed, finished } from "./helpers.js";


test("wait: the constants are the Python names", () => {
  assert.equal(FIRST_COMPLETED, "FIRST_COMPLETED");
  assert.equal(FIRST_EXCEPTION, "FIRST_EXCEPTION");
  assert.equal(ALL_COMPLETED, "ALL_COMPLETED");
});

test("wait: a future given twice is in the result once (bpo-20369)", async () => {
  const f = finished(2);
  const { done, notDone } = await wait([f, f], { returnWhen: ALL_COMPLETED });
  assert.deepEqual(done, new Set([f]));
  assert.deepEqual(notDone, new Set());
});

test("wait: ALL_COMPLETED is the default and waits for every future", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  const c = new Future<number>();
  const already = [finished(1), cancelled(), failed()];
  const result = wait([...already, a, b, c]);
  let settled = false;
  void result.then(() => (settled = true));
  a.setResult(1);
  b.setException(new Error("b"));
  await sleep(1);
  assert.equal(settled, false, "one future is still pending");
  c.cancel();
  const { done, notDone } = await result;
  assert.deepEqual(done, new Set([...already, a, b, c]));
  assert.deepEqual(notDone, new Set());
});

test("wait: FIRST_COMPLETED returns when one future finishes", async () => {
  const f1 = new Future<number>();
  const f2 = new Future<number>();
  const result = wait([f1, f2], { returnWhen: FIRST_COMPLETED });
  setTimeout(() => f1.setResult(42), 1);
  const { done, notDone } = await result;
  assert.deepEqual(done, new Set([f1]));
  assert.deepEqual(notDone, new Set([f2]));
});

test("wait: FIRST_COMPLETED counts a cancellation as completion", async () => {
  const f1 = new Future<number>();
  const f2 = new Future<number>();
  const result = wait([f1, f2], { returnWhen: FIRST_COMPLETED });
  f2.cancel();
  const { done, notDone } = await result;
  assert.deepEqual(done, new Set([f2]));
  assert.deepEqual(notDone, new Set([f1]));
});

test("wait: FIRST_COMPLETED with some already done returns at once with those", async () => {
  const c = cancelled();
  const s = finished(1);
  const pending = new Future();
  const { done, notDone } = await wait([c, s, pending], { returnWhen: FIRST_COMPLETED });
  assert.deepEqual(done, new Set([c, s]));
  assert.deepEqual(notDone, new Set([pending]));
});

test("wait: FIRST_EXCEPTION returns when a future fails, not when one succeeds", async () => {
  const f1 = new Future<number>();
  const f2 = new Future<number>();
  const f3 = new Future<number>();
  const result = wait([f1, f2, f3], { returnWhen: FIRST_EXCEPTION });
  let settled = false;
  void result.then(() => (settled = true));
  f1.setResult(42);
  await sleep(1);
  assert.equal(settled, false, "a success does not satisfy FIRST_EXCEPTION");
  f2.setException(new Error("this is an exception"));
  const { done, notDone } = await result;
  assert.deepEqual(done, new Set([f1, f2]));
  assert.deepEqual(notDone, new Set([f3]));
});

test("wait: FIRST_EXCEPTION does not count a cancellation as an exception", async () => {
  const f1 = new Future<number>();
  const f2 = new Future<number>();
  const result = wait([f1, f2], { returnWhen: FIRST_EXCEPTION });
  let settled = false;
  void result.then(() => (settled = true));
  f1.cancel();
  await sleep(1);
  assert.equal(settled, false);
  f2.setResult(1);
  const { done, notDone } = await result;
  assert.deepEqual(done, new Set([f1, f2]));
  assert.deepEqual(notDone, new Set());
});

test("wait: FIRST_EXCEPTION with some already complete (one failed) returns at once", async () => {
  const s = finished(1);
  const c = cancelled();
  const e = failed();
  const pending = new Future();
  const { done, notDone } = await wait([s, c, e, pending], { returnWhen: FIRST_EXCEPTION });
  assert.deepEqual(done, new Set([s, c, e]));
  assert.deepEqual(notDone, new Set([pending]));
});

test("wait: FIRST_EXCEPTION with none failing behaves as ALL_COMPLETED", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  const result = wait([a, b, finished(0)], { returnWhen: FIRST_EXCEPTION });
  a.setResult(1);
  b.setResult(2);
  const { done, notDone } = await result;
  assert.equal(done.size, 3);
  assert.equal(notDone.size, 0);
});

test("wait: timeout resolves with what is done so far, without error, and leaves the rest untouched", async () => {
  const already = [cancelled(), failed(), finished(1)];
  const pending = new Future();
  const { done, notDone } = await wait([...already, pending], { timeout: 20, returnWhen: ALL_COMPLETED });
  assert.deepEqual(done, new Set(already));
  assert.deepEqual(notDone, new Set([pending]));
  assert.equal(pending.state, "pending");
});

test("wait: timeout 0 polls", async () => {
  const s = finished(1);
  const pending = new Future();
  const { done, notDone } = await wait([s, pending], { timeout: 0 });
  assert.deepEqual(done, new Set([s]));
  assert.deepEqual(notDone, new Set([pending]));
});

test("wait: the result reflects futures completed before the timeout", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  setTimeout(() => a.setResult(1), 1);
  const { done, notDone } = await wait([a, b], { timeout: 50 });
  assert.deepEqual(done, new Set([a]));
  assert.deepEqual(notDone, new Set([b]));
});

test("wait: an empty list resolves at once, for every returnWhen", async () => {
  for (const returnWhen of [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED] as const) {
    const { done, notDone } = await wait([], { returnWhen });
    assert.equal(done.size + notDone.size, 0);
  }
});

test("wait: accepts futures of mixed result types and keeps their types", async () => {
  const n = finished(1);
  const s = finished("a");
  const { done } = await wait([n, s]);
  for (const f of done) {
    const typed: Future<number> | Future<string> = f;
    assert.ok(typed.done());
  }
  assert.equal(done.size, 2);
});

test("wait: bad input is a TypeError/RangeError naming what was wrong", async () => {
  await throwsOrRejects(() => wait([], { timeout: -1 }), RangeError, /timeout/);
  await throwsOrRejects(() => wait([], { timeout: NaN }), RangeError, /timeout/);
  await throwsOrRejects(() => wait([], { returnWhen: "FIRST" as never }), RangeError, /returnWhen/);
  await throwsOrRejects(() => wait([], { return_when: FIRST_COMPLETED } as never), TypeError, /return_when/);
  await throwsOrRejects(() => wait(7 as never), TypeError, /iterable/);
  await throwsOrRejects(() => wait([{ done: () => true }] as never), TypeError, /[Ff]uture/);
});
