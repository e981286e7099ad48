// Run-time timeout, abort and grace.
//
// A call's run-time `timeout` counts from when its worker starts it, which only the worker
// knows: it writes the start time into the control block (CTRL_STARTED_AT_BYTE). The host
// arms one timer when it hands the call over (the earliest it can start) and, when it
// fires, reads how far the worker got: not started yet — wait `timeout` again; running —
// wait for the rest of it; past it — abort. So a call that waited behind a long one is
// not charged for the wait (piscina #869), and a plain submit costs no timer at all.
import type { SubmitOptions } from "../executor.js";
import { CTRL_FINISHED, CTRL_STARTED, H_ABORT, serializeError } from "../protocol.js";
import { abortOn, DEFAULT_GRACE, runTimeoutError } from "../submit-options.js";
import type { Pool } from "./pool.js";
import type { PoolWorker } from "./pool-worker.js";
import type { PoolTask } from "./task.js";

/** submitWith's limits: its `signal`, `timeout` and `queueTimeout` apply to `task`. */
export function limitCall(pool: Pool, task: PoolTask, options: SubmitOptions): void {
  if (task.done() || (options.signal === undefined && options.timeout === undefined && options.queueTimeout === undefined)) return;
  task.limits = options;
  if (options.timeout !== undefined) task.addDoneCallback(() => clearTimeout(task.timer));
  abortOn(task, options, (reason) => abort(pool, task, reason), () => waiting(task));
}

export function armRunTimeout(pool: Pool, task: PoolTask): void {
  const timeout = task.limits!.timeout;
  if (timeout === undefined || timeout === Infinity) return;
  clearTimeout(task.timer);
  task.timer = setTimeout(() => checkRunTime(pool, task, timeout), timeout);
}

function checkRunTime(pool: Pool, task: PoolTask, timeout: number): void {
  task.timer = undefined;
  const w = task.worker as PoolWorker | undefined;
  if (task.done() || w === undefined) return; // back in the queue: armed again when sent
  let wait = timeout;
  if (task.seq < Atomics.load(w.ctrl, CTRL_STARTED)) {
    if (task.seq < Atomics.load(w.ctrl, CTRL_FINISHED)) return; // its result is on its way
    // Running: a worker runs one call at a time, so the start time written is this call's.
    wait = w.startedAt[0]! + timeout - (performance.timeOrigin + performance.now());
    if (wait <= 0) {
      abort(pool, task, runTimeoutError(timeout));
      return;
    }
  }
  task.timer = setTimeout(() => checkRunTime(pool, task, timeout), Math.max(1, wait));
}

/** For `queueTimeout`: the call has not started (in the pool's queue, or queued on a worker). */
export function waiting(task: PoolTask): boolean {
  const w = task.worker as PoolWorker | undefined;
  return w === undefined || task.seq >= Atomics.load(w.ctrl, CTRL_STARTED);
}

/**
 * Abort a call: its future rejects with `reason` now (as the contract says, even if the
 * task then returns a value). A call still in the pool's queue never runs (dispatch skips
 * it). A call on a worker is told so (H_ABORT): if it has not started it never will; if it
 * runs, its `currentSignal()` aborts, and it has `grace` ms to return by itself — then its
 * worker is kept, and no thread is started for it — before the worker is stopped and
 * replaced (the calls queued behind it go to other workers).
 */
export function abort(pool: Pool, task: PoolTask, reason: unknown, grace = task.limits?.grace ?? DEFAULT_GRACE): void {
  if (task.done()) return;
  const w = task.worker as PoolWorker | undefined;
  if (w !== undefined && task.seq < Atomics.load(w.ctrl, CTRL_FINISHED)) return; // finished: its result is on its way
  if (task.state === "pending") task.setRunningOrNotifyCancel();
  pool.counts.failed++;
  task.abortReason = reason;
  task.setException(reason);
  if (w === undefined || w.state !== "ready") return; // in the queue, or its worker is already going
  try {
    w.handle.post([H_ABORT, task.seq, serializeError(reason)]);
  } catch {
    w.handle.post([H_ABORT, task.seq, serializeError(String(reason))]);
  }
  if (grace === 0) {
    if (task.seq < Atomics.load(w.ctrl, CTRL_STARTED)) pool.stop(w);
    else graceOver(pool, task, w, 0); // not started: it is skipped when its turn comes
    return;
  }
  if (grace !== Infinity) graceOver(pool, task, w, grace);
}

/** After `grace` ms, stop `w` if it is still running `task` (an abort or a stream's close it did not heed). */
export function graceOver(pool: Pool, task: PoolTask, w: PoolWorker, grace: number): void {
  const check = (): void => {
    // Its result came back (task.worker is cleared then), or the worker is already going.
    if (task.worker !== w || w.state !== "ready") return;
    if (task.seq < Atomics.load(w.ctrl, CTRL_FINISHED)) return;
    // Not started yet (a call ahead of it still runs): it will be skipped; look again later.
    if (task.seq >= Atomics.load(w.ctrl, CTRL_STARTED)) setTimeout(check, Math.max(grace, 10));
    else pool.stop(w);
  };
  setTimeout(check, grace);
}
