// Leaving a stream early on the worker pool, with `grace` (SPEC "Streaming tasks": a stream
// is one call for `grace` as above; "Time limits and cancellation": a call that does not
// return within `grace` has its worker terminated and replaced). A finally that ends within
// grace (the worker is kept) is in the conformance stream suite, run by every executor.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, WorkerPoolExecutor } from "@concurrent/futures";
import { currentRuntime } from "@concurrent/testkit/helpers";
import { errorOf } from "./helpers/pool.js";

const runtime = currentRuntime();

// Tasks are sent by source: self-contained. They mark their worker (a global) so the test
// can tell whether a later call runs on the same one; a[0] = the generator's finally ran.
async function* stuck(sab: SharedArrayBuffer) {
  (globalThis as { mark?: string }).mark = "the stream's worker";
  try {
    yield 0;
    await new Promise(() => {}); // never settles: return() cannot run
  } finally {
    Atomics.store(new Int32Array(sab), 0, 1);
  }
}

const markOfWorker = () => (globalThis as { mark?: string }).mark ?? "a new worker";

test(`worker pool stream (${runtime}): break — a generator that cannot return within grace: its worker is replaced, the future rejects with CancelledError, the slot is freed`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  try {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const stream = pool.streamWith({ grace: 50 }, stuck, flag.buffer as SharedArrayBuffer);
    for await (const v of stream) if (v === 0) break;
    const error = await errorOf(stream.future);
    assert.ok(error instanceof CancelledError, `got ${String(error)}`);
    assert.equal(Atomics.load(flag, 0), 0, "it never got to its finally");
    assert.equal(pool.stats().inFlight, 0, "the slot is free");
    assert.equal(await pool.submit(markOfWorker), "a new worker", "the worker was replaced");
  } finally {
    await pool.terminateWorkers();
  }
});
