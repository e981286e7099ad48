// The worker pool's pure decision functions, tested directly: how many items a map chunk
// gets (pool/chunksize.ts), what becomes of a call whose worker died (pool/exit.ts), and over
// how many workers a turn's calls are spread (pool/dispatch.ts).
// They are internal to core, so this imports them from core's build by path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { autoChunksize } from "../dist/pool/chunksize.js";
import { fateOfCall } from "../dist/pool/exit.js";
import { workersFor } from "../dist/pool/dispatch.js";
import type { PoolTask } from "../dist/pool/task.js";

test("autoChunksize: a function never measured, input of known length: ≤ 16, ≤ 1/16 of an even share", () => {
  assert.equal(autoChunksize(new Array(10_000).fill(0), 4, -1), 16);
  assert.equal(autoChunksize(new Array(64).fill(0), 4, -1), 1, "64 items over 4 workers: 1 per chunk");
  assert.equal(autoChunksize(new Array(640).fill(0), 4, -1), 10);
  assert.equal(autoChunksize(new Float64Array(10_000), 4, -1), 16, "typed arrays have a length");
  assert.equal(autoChunksize(new Set(Array.from({ length: 640 }, (_, i) => i)), 4, -1), 10, "Sets have a size");
  assert.equal(autoChunksize(new Map([[1, 1]]), 4, -1), 1);
  assert.equal(autoChunksize([], 4, -1), 1, "never 0");
});

test("autoChunksize: input of unknown length and a function never measured: 1", () => {
  function* items() {
    yield 1;
  }
  assert.equal(autoChunksize(items(), 4, -1), 1);
  assert.equal(autoChunksize((async function* () {})(), 4, -1), 1);
});

test("autoChunksize: a measured function: about 1 ms of work per chunk, ≤ a quarter of an even share, ≤ 1024", () => {
  assert.equal(autoChunksize(new Array(1_000_000).fill(0), 4, 0.01), 100, "0.01 ms per item: 100 items per ms");
  assert.equal(autoChunksize(new Array(1_000_000).fill(0), 4, 0.0001), 1024, "capped at 1024");
  assert.equal(autoChunksize(new Array(160).fill(0), 4, 0.0001), 10, "a quarter of an even share: 160 / (4 × 4)");
  assert.equal(autoChunksize(new Array(1000).fill(0), 4, 5), 1, "a slow function: one item per chunk");
  function* endless() {
    for (;;) yield 0;
  }
  assert.equal(autoChunksize(endless(), 4, 0.01), 100, "unknown length: only the time bound");
});

test("autoChunksize: a measured function that takes no time: the share bound, ≤ 1024", () => {
  assert.equal(autoChunksize(new Array(160).fill(0), 4, 0), 10);
  assert.equal(autoChunksize(new Array(1_000_000).fill(0), 4, 0), 1024);
});

function task(rerun = false, transfer?: ArrayBuffer[]): PoolTask {
  return { rerun, transfer } as unknown as PoolTask;
}

test("fateOfCall: a call its worker never started goes back to the queue", () => {
  // The worker started calls 0..4 and finished 0..2: call 5 never started.
  assert.equal(fateOfCall(task(), 5, 5, 3), "requeue");
  assert.equal(fateOfCall(task(), 0, 0, 0), "requeue");
});

test("fateOfCall: a call that was running fails", () => {
  assert.equal(fateOfCall(task(), 3, 5, 3), "fail");
  assert.equal(fateOfCall(task(), 4, 5, 3), "fail");
});

test("fateOfCall: a call that finished but whose result died with the worker runs again, once", () => {
  assert.equal(fateOfCall(task(), 2, 5, 3), "rerun");
  assert.equal(fateOfCall(task(true), 2, 5, 3), "fail", "already run again once");
  assert.equal(fateOfCall(task(false, [new ArrayBuffer(8)]), 2, 5, 3), "fail", "its transferred buffers went with the worker");
});

test("workersFor: calls known to be short go to as few workers as their work needs (0.5 ms each); unmeasured ones are spread", () => {
  assert.equal(workersFor(16, 0.005, 2), 1, "16 calls of 5 µs: one worker, one message");
  assert.equal(workersFor(1000, 0.005, 2), 2, "5 ms of work: both");
  assert.equal(workersFor(3, 0.25, 8), 2, "0.75 ms of work: two workers");
  assert.equal(workersFor(2, 1, 2), 2, "two map chunks of 1 ms: one each");
  assert.equal(workersFor(24, 2, 4), 4, "a function never measured counts as 2 ms per call: spread over all");
  assert.equal(workersFor(5, 0, 4), 1, "never 0");
});
