// currentSignal() without an async context: core alone, no adapter loaded (none registers
// one), as a runtime without AsyncLocalStorage would be. The signal read before the task's
// first await must still be the call's own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncPoolExecutor, currentSignal } from "@concurrent/core";
import { asyncContext } from "../dist/context.js";

test("currentSignal without an async context: right before the first await, a TypeError outside a task", async () => {
  assert.equal(asyncContext(), undefined, "no adapter registered one in this process");
  assert.throws(() => currentSignal(), TypeError);
  const ex = new AsyncPoolExecutor({ maxWorkers: 20 });
  const saw: boolean[] = [];
  const controllers = Array.from({ length: 10 }, () => new AbortController());
  const task = async (i: number) => {
    const signal = currentSignal();
    while (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1));
    // The caller aborts call i with reason i: the signal read before the first await is its own.
    saw[i] = signal.reason === i;
  };
  const fs = controllers.map((c, i) => ex.submitWith({ signal: c.signal }, task, i));
  const signals = await Promise.all(Array.from({ length: 10 }, (_, i) => ex.submit(() => currentSignal())));
  assert.equal(new Set(signals).size, 10, "each call its own signal (sync tasks too)");
  controllers.forEach((c, i) => c.abort(i));
  for (const f of fs) await assert.rejects(f.result(), (e) => typeof e === "number");
  await ex.shutdown();
  assert.deepEqual(saw, Array.from({ length: 10 }, () => true));
  assert.throws(() => currentSignal(), TypeError);
});
