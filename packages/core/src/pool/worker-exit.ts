// A worker exited (stopped, crashed, out of memory): each call it held is requeued, run
// again or failed (see fateOfCall in exit.ts). Workers that keep dying before they are ready
// break the pool.
import { BrokenExecutorError, WorkerExitedError } from "../errors.js";
import { CTRL_FINISHED, CTRL_STARTED } from "../protocol.js";
import { fateOfCall } from "./exit.js";
import type { Pool } from "./pool.js";
import type { PoolWorker } from "./pool-worker.js";
import type { PoolTask } from "./task.js";

// A pool whose workers die this many times in a row before they are ready is broken.
const MAX_START_FAILURES = 3;

export function onExit(pool: Pool, w: PoolWorker, code: number, error: unknown): void {
  if (w.state === "dead") return;
  const wasStarting = w.state === "starting";
  w.state = "dead";
  const index = pool.workers.indexOf(w);
  if (index >= 0) pool.workers.splice(index, 1);
  pool.exiting.delete(w);
  // The worker's own report (all fields kept) beats the runtime's: Bun's error event carries
  // only the message text.
  const cause = w.uncaught ?? error;
  // The control block says how far the worker got: see fateOfCall. When the pool is
  // being terminated or is broken, every call it held fails.
  const started = Atomics.load(w.ctrl, CTRL_STARTED);
  const finished = Atomics.load(w.ctrl, CTRL_FINISHED);
  const requeue: PoolTask[] = [];
  let seq = w.reported;
  for (let task = w.inFlight.shift(); task !== undefined; task = w.inFlight.shift(), seq++) {
    pool.inFlight--;
    task.worker = undefined;
    if (task.done()) continue;
    const fate = pool.terminating || pool.broken ? "fail" : fateOfCall(task, seq, started, finished);
    if (fate === "rerun") task.rerun = true;
    if (fate !== "fail") {
      requeue.push(task);
      continue;
    }
    pool.counts.failed++;
    task.setException(
      task.abortReason ??
        pool.broken ??
        new WorkerExitedError(
          pool.terminating && seq >= started
            ? "the pool was terminated before the task started"
            : (pool.terminating ?? `the worker running the task exited (code ${code})${cause ? `: ${String((cause as Error)?.message ?? cause)}` : ""}`),
          cause === undefined ? undefined : { cause },
        ),
    );
  }
  for (let i = requeue.length - 1; i >= 0; i--) pool.queue.unshift(requeue[i]!);
  if (wasStarting && !pool.terminating && !pool.broken && pool.queue.size > 0) {
    if (++pool.startFailures >= MAX_START_FAILURES) {
      breakPool(
        pool,
        new BrokenExecutorError(`workers exit before they are ready (${pool.startFailures} in a row, last code ${code})`, cause === undefined ? undefined : { cause }),
      );
    }
  }
  pool.flush();
  pool.checkDone();
}

/** The pool cannot run work: every call waiting fails with `error`, every worker is stopped. */
export function breakPool(pool: Pool, error: BrokenExecutorError): void {
  if (pool.broken) return;
  pool.broken = error;
  failQueued(pool, error);
  for (const w of [...pool.workers]) pool.stop(w);
  pool.checkDone();
}

function failQueued(pool: Pool, error: unknown): void {
  for (const task of pool.queue.drain()) {
    if (task.done()) {
      if (task.cancelled()) pool.counts.cancelled++;
      continue;
    }
    if (task.state === "pending") task.setRunningOrNotifyCancel();
    pool.counts.failed++;
    task.setException(error);
  }
}
