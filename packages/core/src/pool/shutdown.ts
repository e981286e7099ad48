// Shutting a pool down: shutdown() lets the work finish, terminateWorkers() stops it; both
// resolve once every worker has exited.
import { WorkerExitedError } from "../errors.js";
import { CTRL_STARTED } from "../protocol.js";
import type { Pool } from "./pool.js";
import type { PoolTask } from "./task.js";
import { abort } from "./time-limits.js";

/** `shutdown()`: no more submits; with `cancelFutures`, calls not handed out are cancelled. */
export function shutdown(pool: Pool, cancelFutures: boolean): void {
  pool.closed = true;
  if (cancelFutures) cancelQueued(pool);
  checkDone(pool);
}

/**
 * `terminateWorkers()`: cancel every call not started, abort every running call with
 * WorkerExitedError, and stop each worker once its calls are back or a call outstays `grace`.
 */
export function terminate(pool: Pool, grace: number | undefined): void {
  pool.closed = true;
  pool.terminating = "the pool was terminated (terminateWorkers) while the task ran";
  cancelQueued(pool);
  for (const w of [...pool.workers]) {
    if (grace === 0 || w.state !== "ready" || w.load === 0) {
      pool.stop(w);
      continue;
    }
    // Each call hears the abort: the running one through currentSignal(), the ones queued
    // behind it never start. The worker is stopped once they are all back (checkDone) or
    // a call outstays its grace (abort).
    const started = Atomics.load(w.ctrl, CTRL_STARTED);
    for (const task of w.inFlight.toArray()) {
      const message = task.seq < started ? pool.terminating : "the pool was terminated before the task started";
      abort(pool, task, new WorkerExitedError(message), grace);
    }
  }
  checkDone(pool);
}

function cancelQueued(pool: Pool): void {
  const kept: PoolTask[] = [];
  for (const task of pool.queue.drain()) {
    if (task.cancel()) pool.counts.cancelled++;
    else if (!task.done()) kept.push(task); // handed back by a dead worker: already running
  }
  if (pool.terminating) {
    for (const task of kept) {
      pool.counts.failed++;
      task.setException(new WorkerExitedError("the pool was terminated before the task started"));
    }
  } else for (const task of kept) pool.queue.push(task);
}

/** Once the pool is closed and has no call left: stop the workers; once they have exited, settle whenDone. */
export function checkDone(pool: Pool): void {
  if (!pool.closed || pool.queue.size > 0 || pool.inFlight > 0) return;
  if (pool.idleSweep !== undefined) {
    clearTimeout(pool.idleSweep);
    pool.idleSweep = undefined;
  }
  for (const w of [...pool.workers]) pool.stop(w);
  if (pool.workers.length === 0 && pool.exiting.size === 0 && pool.resolveDone) {
    pool.resolveDone();
    pool.resolveDone = undefined;
  }
}

/** Resolves once every call is settled and every worker has exited. */
export function whenDone(pool: Pool): Promise<void> {
  if (pool.workers.length === 0 && pool.exiting.size === 0 && pool.queue.size === 0 && pool.inFlight === 0) {
    return Promise.resolve();
  }
  pool.done ??= new Promise((resolve) => (pool.resolveDone = resolve));
  return pool.done;
}
