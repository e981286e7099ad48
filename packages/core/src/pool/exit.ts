import type { PoolTask } from "./task.js";

/**
 * What becomes of a call its worker held when the worker died, from how far the worker's
 * control block says it got (`started` and `finished` count its calls; `seq` is this
 * call's place among them):
 *
 * - `"requeue"` — never started: back to the front of the queue, to run elsewhere;
 * - `"fail"` — it was running: its future fails (WorkerExitedError, or the abort reason);
 * - `"rerun"` — it had finished, but its result was still waiting in the worker's outgoing
 *   batch and died with it: it runs again, once — unless it moved buffers (they went with
 *   the worker) or is a stream (its values were delivered already), in which case it fails.
 */
export function fateOfCall(task: PoolTask, seq: number, started: number, finished: number): "requeue" | "fail" | "rerun" {
  if (seq < finished) return task.rerun || task.transfer !== undefined || task.stream !== undefined ? "fail" : "rerun";
  return seq < started ? "fail" : "requeue";
}
