// What a worker sends back: READY once initialized, RESULTS in call order, a running
// stream's frames, and the failures it reports (initializer failed, uncaught error).
import { BrokenExecutorError, CancelledError } from "../errors.js";
import { ChunkError } from "../chunk-error.js";
import {
  deserializeError,
  resultCount,
  resultMs,
  resultStatus,
  resultValue,
  S_ERROR,
  S_OK,
  S_STREAM_CLOSED,
  W_INIT_FAILED,
  W_READY,
  W_RESULTS,
  W_STREAM_VALUES,
  W_UNCAUGHT,
  type SerializedError,
} from "../protocol.js";
import { expectedMs } from "./dispatch.js";
import type { Pool } from "./pool.js";
import type { PoolWorker } from "./pool-worker.js";
import { deliverFrame } from "./stream-glue.js";

export function onMessage(pool: Pool, w: PoolWorker, data: unknown): void {
  const message = data as unknown[];
  switch (message[0]) {
    case W_RESULTS:
      onResults(pool, w, message);
      break;
    case W_STREAM_VALUES:
      deliverFrame(w, message);
      break;
    case W_READY:
      if (w.state !== "starting") break;
      w.state = "ready";
      pool.startFailures = 0;
      if (pool.queue.size > 0) pool.flush();
      else pool.onIdle(w);
      break;
    case W_INIT_FAILED:
      pool.break(
        new BrokenExecutorError("the initializer failed in a worker: the pool cannot run work", {
          cause: deserializeError(message[1] as SerializedError),
        }),
      );
      break;
    case W_UNCAUGHT:
      w.uncaught = deserializeError(message[1] as SerializedError);
      break;
  }
}

function onResults(pool: Pool, w: PoolWorker, message: unknown[]): void {
  const now = performance.now();
  let busy = 0;
  const count = resultCount(message);
  for (let k = 0; k < count; k++) {
    const task = w.inFlight.shift();
    if (task === undefined) break; // cannot happen: results come in call order
    w.reported++;
    pool.inFlight--;
    task.worker = undefined;
    const ms = resultMs(message, k);
    busy += ms;
    w.aheadMs -= expectedMs(pool, task);
    pool.counts.runTime.record(ms);
    pool.counts.waitTime.record(Math.max(0, now - task.submitted.at - ms));
    const def = task.def;
    const perItem = ms / Math.max(1, task.calls);
    def.avgMs = def.avgMs < 0 ? perItem : def.avgMs * 0.8 + perItem * 0.2;
    if (def.id !== pool.lastMeasured) {
      pool.measured.add(def.id);
      pool.lastMeasured = def.id;
    }
    if (task.done()) continue; // aborted while it ran: already rejected
    const status = resultStatus(message, k);
    const value = resultValue(message, k);
    if (status === S_OK) {
      pool.counts.completed++;
      task.setResult(value);
    } else if (status === S_STREAM_CLOSED) {
      const reason = task.stream?.closeReason ?? new CancelledError("the stream was closed");
      if (reason instanceof CancelledError) pool.counts.cancelled++;
      else pool.counts.failed++;
      task.setException(reason);
    } else {
      pool.counts.failed++;
      if (status === S_ERROR) task.setException(deserializeError(value as SerializedError));
      else {
        const [values, error] = value as [unknown[], SerializedError];
        task.setException(new ChunkError(values, deserializeError(error)));
      }
    }
  }
  pool.busyMs += busy;
  // The worker has moved on to its next call: a timed one waiting there starts about now,
  // so look at its run time from here rather than a whole `timeout` after it was sent.
  const next = w.inFlight.peek();
  if (next !== undefined && next.limits !== undefined) pool.armRunTimeout(next);
  // Estimates change while calls run: start from zero whenever the worker is empty.
  if (w.load === 0 || w.aheadMs < 0) w.aheadMs = 0;
  if (w.load === 0) pool.onIdle(w);
  if (pool.queue.size > 0) pool.flush();
  pool.checkDone();
}

export function onMessageError(pool: Pool, w: PoolWorker, error: unknown): void {
  // A message from the worker could not be deserialized: its results are lost, so the
  // calls it answered can never settle. Stop the worker; its calls fail with the reason.
  w.uncaught = error;
  pool.stop(w);
}
