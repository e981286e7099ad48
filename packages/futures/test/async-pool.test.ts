// AsyncPoolExecutor: the shared executor suite, then what only an in-thread pool can show
// (closures, exact concurrency through a closure counter, microtask start, initializer
// order, submitWith on a running call).
import { test } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import { AsyncPoolExecutor, BrokenExecutorError, CancelledError, TimeoutError } from "@concurrent/futures";
import { executorSuite } from "@concurrent/conformance/executor";
import { sleep } from "@concurrent/testkit/helpers";

executorSuite("AsyncPoolExecutor", (options) => new AsyncPoolExecutor(options), {
  defaultMaxWorkers: Math.min(32, os.availableParallelism() + 4),
});

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test("AsyncPoolExecutor: runs closures", async () => {
  const ex = new AsyncPoolExecutor();
  const captured = { hits: 0 };
  const f = ex.submit(() => ++captured.hits);
  assert.equal(await f, 1);
  assert.deepEqual(await drain(ex.map(async (x: number) => x + captured.hits, [1, 2])), [2, 3]);
  await ex.shutdown();
});

test("AsyncPoolExecutor: at most maxWorkers calls in flight (closure counter, exact)", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 4 });
  let running = 0;
  let max = 0;
  const release: (() => void)[] = [];
  const task = async () => {
    running++;
    max = Math.max(max, running);
    const d = deferred();
    release.push(d.resolve);
    await d.promise;
    running--;
  };
  const fs = Array.from({ length: 20 }, () => ex.submit(task));
  await tick();
  assert.equal(running, 4);
  assert.equal(fs.filter((f) => f.running()).length, 4);
  while (fs.some((f) => !f.done())) {
    release.shift()?.();
    await tick();
    assert.ok(running <= 4);
  }
  assert.equal(max, 4);
  await ex.shutdown();
});

test("AsyncPoolExecutor: a call starts on a later microtask, so a fresh future can always be cancelled", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  let ran = false;
  const f = ex.submit(() => (ran = true));
  assert.equal(f.state, "pending");
  assert.equal(ran, false);
  assert.equal(f.cancel(), true);
  await ex.shutdown();
  assert.equal(ran, false);
  assert.equal(ex.stats().cancelled, 1);
});

test("AsyncPoolExecutor: sync and async functions, values and thrown errors", async () => {
  const ex = new AsyncPoolExecutor();
  assert.equal(await ex.submit((a: number, b: number) => a + b, 1, 2), 3);
  assert.equal(await ex.submit(async (a: number) => a * 2, 4), 8);
  const error = new TypeError("sync throw");
  await assert.rejects(ex.submit(() => {
    throw error;
  }).result(), (e) => e === error);
  const asyncError = new RangeError("async throw");
  await assert.rejects(ex.submit(async () => {
    throw asyncError;
  }).result(), (e) => e === asyncError);
  await ex.shutdown();
});

test("AsyncPoolExecutor: the initializer runs once, before the first call, and is awaited", async () => {
  const log: string[] = [];
  const ex = new AsyncPoolExecutor({
    maxWorkers: 3,
    initializer: async (tag: string) => {
      log.push(`init ${tag}`);
      await tick();
      log.push("init done");
    },
    initArgs: ["a"],
  });
  const fs = [1, 2, 3, 4].map((i) => ex.submit(() => void log.push(`call ${i}`)));
  await Promise.all(fs);
  await ex.submit(() => void log.push("call 5"));
  assert.deepEqual(log, ["init a", "init done", "call 1", "call 2", "call 3", "call 4", "call 5"]);
  await ex.shutdown();
});

test("AsyncPoolExecutor: a rejected async initializer breaks the executor, keeping the cause", async () => {
  const cause = new Error("init failed");
  const ex = new AsyncPoolExecutor({ initializer: async () => Promise.reject(cause) });
  const f = ex.submit(() => 1);
  const error = await f.exception();
  assert.ok(error instanceof BrokenExecutorError);
  assert.equal(error.cause, cause);
  const later = ex.submit(() => 2);
  assert.ok((await later.exception()) instanceof BrokenExecutorError);
  await ex.shutdown();
  const s = ex.stats();
  assert.equal(s.failed, 2);
  assert.equal(s.completed + s.failed + s.cancelled + s.inFlight + s.queued, 2);
});

test("AsyncPoolExecutor: a broken initializer cancels nothing that was already cancelled, and calls nothing", async () => {
  let called = 0;
  const ex = new AsyncPoolExecutor({
    initializer: () => {
      throw new Error("boom");
    },
  });
  const a = ex.submit(() => called++);
  const b = ex.submit(() => called++);
  b.cancel();
  assert.ok((await a.exception()) instanceof BrokenExecutorError);
  await assert.rejects(b.result(), CancelledError);
  await ex.shutdown();
  assert.equal(called, 0);
});

test("AsyncPoolExecutor: submitWith on a running call rejects at once; the slot frees when the call settles", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const gate = deferred();
  const controller = new AbortController();
  const f = ex.submitWith({ signal: controller.signal }, () => gate.promise);
  const next = ex.submit(() => "next");
  await tick();
  assert.equal(f.running(), true);
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(f.result(), (e) => e === reason);
  assert.equal(ex.stats().inFlight, 1, "the call still runs in this thread");
  assert.equal(next.state, "pending");
  gate.resolve();
  assert.equal(await next, "next");
  await ex.shutdown();
  const s = ex.stats();
  assert.deepEqual([s.completed, s.failed, s.inFlight, s.queued], [1, 1, 0, 0]);
});

test("AsyncPoolExecutor: submitWith timeout on a running call rejects with TimeoutError", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const gate = deferred();
  const f = ex.submitWith({ timeout: 5 }, () => gate.promise);
  const error = await f.exception();
  assert.ok(error instanceof TimeoutError);
  gate.resolve();
  await ex.shutdown();
});

test("AsyncPoolExecutor: map timeout cancels the calls it did not start (CPython map_current_future_cancel)", async () => {
  const log: string[] = [];
  const stop = deferred();
  const logAndWait = async (ident: string) => {
    log.push(`${ident} started`);
    await stop.promise;
    log.push(`${ident} stopped`);
  };
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const first = ex.submit(logAndWait, "first");
  const it = ex.map(logAndWait, ["second", "third"], { timeout: 0 });
  await assert.rejects(it.next(), TimeoutError);
  stop.resolve();
  await first;
  await ex.shutdown();
  assert.deepEqual(log, ["first started", "first stopped"]);
});

test("AsyncPoolExecutor: breaking out of map after the first result cancels all but the one already started", async () => {
  const started: number[] = [];
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  for await (const v of ex.map(async (i: number) => {
    started.push(i);
    await tick();
    return i;
  }, [0, 1, 2, 3, 4, 5])) {
    assert.equal(v, 0);
    break;
  }
  await ex.shutdown();
  assert.deepEqual(started, [0, 1]);
});

test("AsyncPoolExecutor: map ignores chunksize (as ThreadPoolExecutor does) but still validates it", async () => {
  const ex = new AsyncPoolExecutor();
  assert.deepEqual(await drain(ex.map((x: number) => -x, [1, 2, 3, 4, 5], { chunksize: 2 })), [-1, -2, -3, -4, -5]);
  assert.throws(() => ex.map((x: number) => x, [1], { chunksize: 0 }), RangeError);
  await ex.shutdown();
});

test("AsyncPoolExecutor: maxWorkers \"auto\" is accepted; other strings are rejected naming maxWorkers", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: "auto" });
  assert.equal(await ex.submit(() => 1), 1);
  assert.ok(ex.stats().limit >= 1);
  await ex.shutdown();
  assert.throws(() => new AsyncPoolExecutor({ maxWorkers: "x" as never }), (e: unknown) => (e instanceof TypeError || e instanceof RangeError) && /maxWorkers/.test((e as Error).message));
});

test("AsyncPoolExecutor: initializer and initArgs of the wrong type are TypeErrors naming them", () => {
  assert.throws(() => new AsyncPoolExecutor({ initializer: 42 as never }), (e: unknown) => e instanceof TypeError && /initializer/.test(e.message));
  assert.throws(() => new AsyncPoolExecutor({ initArgs: "x" as never }), (e: unknown) => e instanceof TypeError && /initArgs/.test(e.message));
});

test("AsyncPoolExecutor: stats().waitTime counts from the turn a call was submitted in, not from an earlier turn's submits", async () => {
  // Calls submitted in one turn share one clock read (async/runner.ts enqueue); a call
  // submitted in a later turn must get its own. A runs alone; B is submitted 120 ms later
  // and waits for A's slot: B's wait is A's run time less those 120 ms, whatever the load.
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const gate = deferred();
  const a = ex.submit(() => gate.promise);
  await sleep(120);
  const b = ex.submit(() => "b");
  await sleep(30);
  gate.resolve();
  await a;
  assert.equal(await b, "b");
  const s = ex.stats();
  assert.equal(s.waitTime.samples, 2);
  assert.ok(s.runTime.max >= 140, `A ran ${s.runTime.max} ms`);
  assert.ok(s.waitTime.max >= 20, `B waited ${s.waitTime.max} ms for A's slot`);
  assert.ok(s.waitTime.max <= s.runTime.max - 100, `B waited ${s.waitTime.max} ms, A ran ${s.runTime.max} ms: B's wait must not count from A's submit`);
  // Two calls submitted in one turn: the second waits at least the first's whole run.
  const gate2 = deferred();
  const c = ex.submit(() => gate2.promise);
  const d = ex.submit(() => "d");
  await sleep(60);
  gate2.resolve();
  await c;
  assert.equal(await d, "d");
  const s2 = ex.stats();
  assert.equal(s2.waitTime.samples, 4);
  assert.ok(s2.waitTime.max >= 50, `D waited ${s2.waitTime.max} ms for C's 60 ms run`);
  await ex.shutdown();
});
