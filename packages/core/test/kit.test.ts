// The executor kit (@concurrent/core/kit): the pieces every executor shares, tested directly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncPoolExecutor } from "@concurrent/core";
import { checkBoolean, checkOptions, ExecutorCounters, isThenable, registerRuntime, unrefTimer } from "@concurrent/core/kit";

test("kit: isThenable is true for anything await waits on, from any source", () => {
  assert.equal(isThenable(Promise.resolve(1)), true);
  assert.equal(isThenable({ then() {} }), true);
  const fnThenable = Object.assign(() => {}, { then() {} });
  assert.equal(isThenable(fnThenable), true, "a function with then is awaited too");
  for (const value of [null, undefined, 0, "then", { then: 1 }, () => {}, {}]) assert.equal(isThenable(value), false, String(value));
});

test("kit: an initializer that returns a function-thenable is awaited, as a task's result is", async () => {
  const order: string[] = [];
  const thenable = Object.assign(() => {}, {
    then(resolve: () => void) {
      setTimeout(() => {
        order.push("initialized");
        resolve();
      }, 5);
    },
  });
  const ex = new AsyncPoolExecutor({ initializer: () => thenable });
  await ex.submit(() => order.push("call"));
  await ex.shutdown();
  assert.deepEqual(order, ["initialized", "call"]);
});

test("kit: ExecutorCounters makes the stats() every executor returns", () => {
  const counts = new ExecutorCounters();
  counts.completed += 2;
  counts.failed++;
  counts.cancelled++;
  for (const ms of [1, 2, 3, 4]) counts.runTime.record(ms);
  counts.waitTime.record(0.5);
  const stats = counts.stats(8, 3, 5);
  assert.deepEqual(
    { ...stats, runTime: undefined, waitTime: undefined },
    { limit: 8, inFlight: 3, queued: 5, completed: 2, failed: 1, cancelled: 1, runTime: undefined, waitTime: undefined },
  );
  assert.deepEqual(stats.runTime, { p50: 3, p90: 4, p99: 4, max: 4, samples: 4 });
  assert.deepEqual(stats.waitTime, { p50: 0.5, p90: 0.5, p99: 0.5, max: 0.5, samples: 1 });
  assert.deepEqual(new ExecutorCounters().stats(1, 0, 0).runTime, { p50: 0, p90: 0, p99: 0, max: 0, samples: 0 });
});

test("kit: checkOptions takes a plain object only, and names an unknown option", () => {
  checkOptions(undefined, ["a"], "here");
  checkOptions({ a: 1 }, ["a"], "here");
  for (const bad of [null, 1, "a", []]) assert.throws(() => checkOptions(bad, ["a"], "here"), TypeError, JSON.stringify(bad));
  assert.throws(() => checkOptions({ b: 1 }, ["a"], "here"), /here: unknown option "b"/);
  checkBoolean(false, "flag");
  assert.throws(() => checkBoolean("yes", "flag"), /flag must be a boolean, got "yes"/);
});

test("kit: unrefTimer uses the registered hook, else the timer's own unref()", () => {
  // No adapter is loaded in core's tests: nothing is registered yet.
  let unrefs = 0;
  const timer = { unref: () => unrefs++ } as unknown as ReturnType<typeof setTimeout>;
  unrefTimer(timer);
  assert.equal(unrefs, 1, "the timer's own unref()");
  const registered: unknown[] = [];
  registerRuntime({ unrefTimer: (t) => void registered.push(t) });
  unrefTimer(timer);
  assert.deepEqual(registered, [timer]);
  assert.equal(unrefs, 1);
  // Bun and Deno run every test file in one process: leave the fallback's behaviour behind.
  registerRuntime({ unrefTimer: (t) => (t as { unref?: () => void }).unref?.() });
});
