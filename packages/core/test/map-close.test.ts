// Leaving a map loop early cancels the calls not yet started, the last first (as CPython's
// result_iterator): an executor whose cancel is a round trip each (QueueExecutor removing
// jobs from Redis) then never lets a free worker take a call from the end of the map.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Executor, Future, type ExecutorStats } from "@concurrent/core";

/** An executor whose calls stay pending until settled by hand; it records cancels. */
class Recorder extends Executor {
  readonly futures: Future<unknown>[] = [];
  readonly cancelled: number[] = [];
  submit(): Future<never> {
    const index = this.futures.length;
    const future = new Future<never>();
    future.addDoneCallback((f) => {
      if (f.cancelled()) this.cancelled.push(index);
    });
    this.futures.push(future);
    return future;
  }
  submitWith(): Future<never> {
    return this.submit();
  }
  override _submitChunk(): Future<unknown[]> {
    return this.submit();
  }
  async shutdown(): Promise<void> {}
  stats(): ExecutorStats {
    throw new Error("not used");
  }
}

for (const exit of ["break", "return()", "throw"] as const) {
  test(`map: leaving the loop early (${exit}) cancels the calls not yet started, the last first`, async () => {
    const ex = new Recorder();
    const it = ex.map((x: number) => x, [0, 1, 2, 3, 4, 5]);
    ex.futures[0]!.setResult(0);
    assert.equal(ex.futures[1]!.setRunningOrNotifyCancel(), true); // running: not cancelled
    try {
      for await (const v of it) {
        assert.equal(v, 0);
        if (exit === "break") break;
        if (exit === "return()") await it.return?.();
        if (exit === "throw") throw new Error("leave");
      }
    } catch (error) {
      assert.equal((error as Error).message, "leave");
    }
    assert.deepEqual(ex.cancelled, [5, 4, 3, 2]);
  });
}
