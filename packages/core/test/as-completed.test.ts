// asCompleted: ported from CPython's test_as_completed.py, plus SPEC's typing and timeout rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { asCompleted, Future, FuturesError, TimeoutError } from "@concurrent/core";
import { sleep, throwsOrRejects } from "@concurrent/testkit/helpers";
import { cancelled, failed, finished } from "./helpers.js";

async function collect<F>(it: AsyncIterable<F> | { [Symbol.asyncIterator](): { next(): Promise<IteratorResult<F>> } }): Promise<F[]> {
  const out: F[] = [];
  for await (const f of it as AsyncIterable<F>) out.push(f);
  return out;
}

test("asCompleted: yields every future, done ones and later ones", async () => {
  const done = [cancelled(), failed(new Error("x")), finished(1)];
  const later = [new Future<number>(), new Future<number>()];
  const it = asCompleted([...done, ...later]);
  setTimeout(() => later[0]!.setResult(2), 1);
  setTimeout(() => later[1]!.setResult(3), 2);
  const out = await collect(it);
  assert.equal(out.length, 5);
  assert.deepEqual(new Set(out), new Set([...done, ...later]));
});

test("asCompleted: futures done at the call come first, even if a pending one finishes before next()", async () => {
  const pending = new Future<string>();
  const done = finished("done");
  const it = asCompleted([pending, done]);
  pending.setResult("later");
  const out = await collect(it);
  assert.deepEqual(out, [done, pending]);
});

test("asCompleted: yields in completion order", async () => {
  const fs = [new Future<number>(), new Future<number>(), new Future<number>()];
  const it = asCompleted(fs);
  const first = it.next();
  fs[2]!.setResult(2);
  assert.equal((await first).value, fs[2]);
  fs[0]!.cancel();
  fs[1]!.setException(new Error("late"));
  const rest = await collect(it);
  assert.deepEqual(rest, [fs[0], fs[1]]);
});

test("asCompleted: a future given several times is yielded once", async () => {
  const f = new Future<number>();
  setTimeout(() => f.setResult(1), 1);
  const out = await collect(asCompleted([f, f, f]));
  assert.deepEqual(out, [f]);
  const g = finished(2);
  assert.deepEqual(await collect(asCompleted([g, g])), [g]);
});

test("asCompleted: accepts any iterable (a generator, a Set)", async () => {
  const fs = [finished(1), finished(2)];
  function* gen() {
    yield* fs;
  }
  assert.deepEqual(new Set(await collect(asCompleted(gen()))), new Set(fs));
  assert.deepEqual(new Set(await collect(asCompleted(new Set(fs)))), new Set(fs));
  assert.deepEqual(await collect(asCompleted([])), []);
});

test("asCompleted: timeout yields the done futures, then next() rejects with TimeoutError", async () => {
  for (const timeout of [0, 20]) {
    const done = [cancelled(), failed(new Error("x")), finished(1)];
    const never = new Future<number>();
    const seen: Future<unknown>[] = [];
    let caught: unknown;
    try {
      for await (const f of asCompleted([...done, never], { timeout })) seen.push(f);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof TimeoutError, `timeout ${timeout}: ${String(caught)}`);
    assert.equal(caught.code, "ERR_TIMEOUT");
    assert.deepEqual(new Set(seen), new Set(done));
    assert.equal(never.state, "pending", "the timeout leaves the future untouched");
  }
});

test("asCompleted: timeout is measured from the call, not from next()", async () => {
  const f = new Future<number>();
  const it = asCompleted([f], { timeout: 10 });
  await sleep(40);
  const next = it.next();
  // Were the timeout measured from next(), this would arrive in time and be yielded.
  setTimeout(() => f.setResult(1), 0);
  await assert.rejects(next, TimeoutError);
});

test("asCompleted: a future that completes before the timeout is yielded", async () => {
  const f = new Future<number>();
  setTimeout(() => f.setResult(1), 1);
  assert.deepEqual(await collect(asCompleted([f], { timeout: 60_000 })), [f]);
});

test("asCompleted: a future completing after the deadline but before next() is still yielded", async () => {
  const f = new Future<number>();
  const g = new Future<number>();
  const it = asCompleted([f, g], { timeout: 5 });
  await sleep(20);
  f.setResult(1);
  assert.deepEqual(await it.next(), { done: false, value: f });
  await assert.rejects(it.next(), TimeoutError);
});

test("asCompleted: return() ends the iteration", async () => {
  const fs = [finished(1), finished(2), new Future<number>()];
  const out: unknown[] = [];
  for await (const f of asCompleted(fs)) {
    out.push(f);
    break;
  }
  assert.equal(out.length, 1);
  const it = asCompleted(fs);
  await it.return();
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

test("asCompleted: for await keeps each future's own type, over mixed result types", async () => {
  // Distinct result types on purpose: TypeScript 5.9 caches the iteration types of an
  // iterable type after its first for-await in a program, and from then on types the loop
  // variable as the *awaited* element (checker.ts getIterationTypesOfIterable, cached path
  // goes through getAsyncFromSyncIterationTypes). A second loop over FutureIterator<Future<T>>
  // for the same T would give `T`. next() is not affected.
  const n = finished({ kind: "n" as const });
  const s = finished({ kind: "s" as const });
  const got: string[] = [];
  for await (const f of asCompleted([n, s])) {
    const future: Future<{ kind: "n" }> | Future<{ kind: "s" }> = f;
    assert.ok(future instanceof Future);
    got.push((await future.result()).kind);
  }
  assert.deepEqual(got.sort(), ["n", "s"]);
  const it = asCompleted([finished(1), finished("a")]);
  const step = await it.next();
  assert.equal(step.done, false);
  if (!step.done) {
    const typed: Future<number> | Future<string> = step.value;
    assert.ok(typed instanceof Future);
  }
});

test("asCompleted: bad input is a TypeError/RangeError naming what was wrong", async () => {
  await throwsOrRejects(() => asCompleted([], { timeout: -1 }), RangeError, /timeout/);
  await throwsOrRejects(() => asCompleted([], { timeout: NaN }), RangeError, /timeout/);
  await throwsOrRejects(() => asCompleted([], { timeout: "1" as never }), TypeError, /timeout/);
  await throwsOrRejects(() => asCompleted([], { timout: 1 } as never), TypeError, /timout/);
  await throwsOrRejects(() => asCompleted(42 as never), TypeError, /iterable/);
  await throwsOrRejects(() => asCompleted([Promise.resolve(1)] as never), TypeError, /[Ff]uture/);
});

test("asCompleted: the TimeoutError is a FuturesError", async () => {
  const it = asCompleted([new Future()], { timeout: 0 });
  await assert.rejects(it.next(), (e: unknown) => e instanceof FuturesError && e.name === "TimeoutError");
});
