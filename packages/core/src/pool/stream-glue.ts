// streamWith on a worker pool: a stream is one call (an OP_STREAM record) that holds its
// worker until it ends. This file joins the consumer's side (StreamBuffer, stream/buffer.ts)
// to that worker: credit goes through shared cells (stream/shared-credit.ts; a message only
// wakes a producer that parked), close as a message, frames come in as the worker yields.
import { CancelledError } from "../errors.js";
import type { Task } from "../executor.js";
import { H_STREAM_CLOSE, H_STREAM_CREDIT, OP_CALL } from "../protocol.js";
import { StreamBuffer } from "../stream/buffer.js";
import { SharedCredit } from "../stream/shared-credit.js";
import { checkStreamOptions } from "../stream/options.js";
import type { StreamOptions, StreamSource } from "../stream/task-stream.js";
import { submitCall } from "./dispatch.js";
import type { Pool } from "./pool.js";
import type { PoolWorker } from "./pool-worker.js";
import type { PoolTask } from "./task.js";
import { abortOn, DEFAULT_GRACE } from "../submit-options.js";
import { abort, graceOver, waiting } from "./time-limits.js";

/** The body of `WorkerPoolExecutor.streamWith`. */
export function streamCall(pool: Pool, options: StreamOptions, fn: Task<never, StreamSource>, args: unknown[]): StreamBuffer<unknown, unknown> {
  const highWaterMark = checkStreamOptions(options);
  const task = submitCall(pool, fn, OP_CALL, args, options.transfer);
  const credit = new SharedCredit();
  const stream = new StreamBuffer<unknown, unknown>(task, highWaterMark, {
    cells: credit.cells,
    grant: (n) => {
      const w = task.worker as PoolWorker | undefined;
      if (credit.grant(n) && w !== undefined && w.state !== "dead") w.handle.post([H_STREAM_CREDIT, task.seq, 0]);
    },
    close: (reason) => {
      credit.close();
      closeStream(pool, task, reason);
    },
  });
  task.stream = stream;
  const { signal, timeout, queueTimeout, grace } = options;
  if (!task.done() && (signal !== undefined || timeout !== undefined || queueTimeout !== undefined || grace !== undefined)) {
    task.limits = options;
    if (timeout !== undefined) task.addDoneCallback(() => clearTimeout(task.timer));
    const isWaiting = () => waiting(task);
    if (signal !== undefined) {
      abortOn(task, { signal }, (reason) => abort(pool, task, new CancelledError("the stream's signal aborted", { cause: reason })), isWaiting);
    }
    if (queueTimeout !== undefined) abortOn(task, { queueTimeout }, (reason) => abort(pool, task, reason), isWaiting);
  }
  return stream;
}

/** A `[W_STREAM_VALUES, ...values]` frame: it comes from the stream `w` runs now, the oldest call it holds. */
export function deliverFrame(w: PoolWorker, message: unknown[]): void {
  w.inFlight.peek()?.stream?.pushFrame(message, 1);
}

// Close a stream its consumer left (break, return()). Not started: it never runs. On a
// worker: that worker stops it (its iterator's return() runs there) and reports back,
// which settles it with CancelledError and frees the slot — within the call's `grace`,
// else the worker is stopped and replaced (the future rejects with `reason` then too).
function closeStream(pool: Pool, task: PoolTask, reason: unknown): void {
  if (task.done()) return;
  const w = task.worker as PoolWorker | undefined;
  if (w !== undefined) {
    if (w.state !== "dead") {
      w.handle.post([H_STREAM_CLOSE, task.seq]);
      task.abortReason = reason;
      const grace = task.limits?.grace ?? DEFAULT_GRACE;
      if (grace !== Infinity) graceOver(pool, task, w, grace);
    }
    return;
  }
  if (task.state === "pending" && reason instanceof CancelledError) {
    task.cancel();
    return;
  }
  if (task.state === "pending") task.setRunningOrNotifyCancel();
  pool.counts.failed++;
  task.setException(reason);
}
