// Dispatch: a submitted call waits in the pool's queue until the end of the turn; then
// everything queued leaves in one BATCH message per worker, spread evenly over the workers.
import { ShutdownError } from "../errors.js";
import type { Task } from "../executor.js";
import { encodeCall, encodeDefine, encodeStreamCall, H_BATCH, type CallOp } from "../protocol.js";
import type { TransferItem } from "../transfer.js";
import type { Pool } from "./pool.js";
import type { PoolWorker } from "./pool-worker.js";
import { PoolTask, taskDef } from "./task.js";

// Each worker is kept about this many ms of work ahead, so it never waits for the next
// message; a slow call is handed out one at a time, so calls stay cancellable and spread
// evenly over the workers. What a call will take is its function's average so far; a
// function this pool has not yet seen finish counts as slow (so a fresh pool hands out one
// call per worker, as a call may block).
const TARGET_AHEAD_MS = 2;
const MAX_AHEAD = 1024;
// What a stream is expected to take, for prefetching: long enough that no call is queued
// behind it on its worker (it holds the worker until its consumer is done).
const STREAM_MS = 1e9;

/**
 * Queue a call (`op` and `payload` as in {@link PoolTask}: one argument, the arguments, or a
 * chunk of `map`); it leaves at the end of this turn.
 */
export function submitCall(pool: Pool, fn: Task<never, unknown>, op: CallOp, payload: unknown, transfer: readonly TransferItem[] | undefined): PoolTask {
  if (pool.closed) throw new ShutdownError();
  // Most submits repeat the previous function: skip the WeakMap lookup for it.
  let def = pool.lastDef;
  if (fn !== pool.lastFn || def === undefined) {
    def = taskDef(fn);
    pool.lastFn = fn;
    pool.lastDef = def;
  }
  // The first call of a turn reads the clock for all of them (a flush ends the turn).
  const turn = pool.scheduled ? pool.turn : (pool.turn = { at: performance.now() });
  const task = new PoolTask(def, op, payload, transfer, turn);
  if (pool.broken) {
    task.setRunningOrNotifyCancel();
    task.setException(pool.broken);
    pool.counts.failed++;
    return task;
  }
  pool.queue.push(task);
  if (!pool.scheduled) {
    // Everything submitted in this turn of the event loop leaves in one message per worker.
    pool.scheduled = true;
    queueMicrotask(pool.flushNow);
  }
  return task;
}

export function schedule(pool: Pool): void {
  if (!pool.scheduled && pool.queue.size > 0) {
    pool.scheduled = true;
    pool.turn = { at: performance.now() };
    queueMicrotask(pool.flushNow);
  }
}

export function flush(pool: Pool): void {
  pool.scheduled = false;
  if (pool.queue.size === 0) return;
  const workers = pool.workers;
  let ready = 0;
  for (const w of workers) if (w.state === "ready") ready++;
  if (ready > 0) {
    // An even share over the workers the pool may have, not just those ready now: the
    // rest start below and take their part.
    const size = pool.queue.size;
    const share = Math.ceil(size / workersFor(size, expectedMs(pool, pool.queue.peek()!), Math.max(ready, pool.maxWorkers)));
    const n = workers.length;
    const first = pool.rotate++ % n;
    // Idle workers first. A call handed to a busy worker waits behind whatever that worker
    // is running (a long call may never end), so calls are queued ahead on busy workers
    // only once the pool is full and no worker is starting: otherwise a worker that is
    // starting, or one still to be started, takes them.
    let starting = 0;
    for (const w of workers) if (w.state === "starting") starting++;
    const full = starting === 0 && (workers.length >= pool.maxWorkers || pool.broken !== undefined);
    for (let pass = 0; pass < (full ? 2 : 1) && pool.queue.size > 0; pass++) {
      for (let k = 0; k < n && pool.queue.size > 0; k++) {
        const w = workers[(first + k) % n]!;
        if (w.state !== "ready" || (pass === 0 && w.load > 0)) continue;
        const room = Math.min(MAX_AHEAD - w.load, share, pool.maxTasks - w.sent);
        if (room > 0) send(pool, w, room);
      }
    }
  }
  // Start more workers while calls still wait and the pool may grow.
  let starting = 0;
  for (const w of workers) if (w.state === "starting") starting++;
  while (pool.queue.size > starting && workers.length < pool.maxWorkers && !pool.broken) {
    pool.spawn();
    starting++;
  }
  // The queue may have held only calls cancelled after a shutdown(): it is empty now.
  if (pool.closed) pool.checkDone();
}

// Calls known to be short are spread over no more workers than their work needs, about
// SPREAD_MS each: each message wakes a worker thread, which costs the host more than such
// calls take (a post to an idle worker: ~70 µs on Bun, ~250 µs on Deno, on a loaded 2-core
// machine). Calls not yet measured count as TARGET_AHEAD_MS each, so they are spread as
// before. (A turn's calls are judged by the first one's function: most turns submit one.)
const SPREAD_MS = 0.5;
export function workersFor(calls: number, msPerCall: number, spread: number): number {
  return Math.min(spread, Math.max(1, Math.ceil((calls * msPerCall) / SPREAD_MS)));
}

// A send allocates no array per call: the BATCH is written into the pool's one batch array
// (kept packed: written in order from the start, cleared after each post so it holds no
// argument) and leaves as one copy of the part written (the array keeps its length: cut to
// each batch's size, it would be grown again, copy by copy, for the next one), and the calls
// go straight onto the worker's in-flight list, taken back from it if the post fails.
function send(pool: Pool, w: PoolWorker, room: number): void {
  const batch = pool.batch;
  batch[0] = H_BATCH;
  let at = 1;
  let count = 0;
  let transfer: TransferItem[] | undefined;
  let timed: PoolTask[] | undefined;
  // An idle worker always gets one call; after that, calls while the work queued on the
  // worker is expected to take less than TARGET_AHEAD_MS.
  while (count < room && (w.aheadMs < TARGET_AHEAD_MS || (count === 0 && w.load === 0))) {
    const task = pool.queue.shift();
    if (task === undefined) break;
    if (task.done()) {
      // cancelled or aborted while it waited (an abort was counted as failed then)
      if (task.cancelled()) pool.counts.cancelled++;
      continue;
    }
    if (task.state === "pending") task.setRunningOrNotifyCancel();
    at = appendCall(batch, at, w, task);
    w.aheadMs += expectedMs(pool, task);
    if (task.transfer) (transfer ??= []).push(...task.transfer);
    if (task.limits !== undefined) (timed ??= []).push(task);
    task.worker = w;
    task.seq = w.sent + count++;
    w.inFlight.push(task);
  }
  if (count === 0) return;
  const message = at === batch.length ? batch : batch.slice(0, at);
  try {
    w.handle.post(message, transfer);
  } catch (error) {
    batch.fill(undefined, 1, at);
    const tasks = w.inFlight.takeLast(count);
    for (const task of tasks) task.worker = undefined;
    postFailed(pool, w, tasks, error);
    return;
  }
  batch.fill(undefined, 1, at);
  w.sent += count;
  if (timed !== undefined) for (const task of timed) pool.armRunTimeout(task);
  pool.inFlight += count;
  w.idleSince = -1;
  w.ref();
}

/** Write one call's record, preceded by its function's definition the first time `w` sees it. */
function appendCall(batch: unknown[], at: number, w: PoolWorker, task: PoolTask): number {
  const def = task.def;
  if (def.id !== w.lastDefined) {
    if (!w.defined.has(def.id)) {
      at = encodeDefine(batch, at, def.id, def.source, def.url, def.name);
      w.defined.add(def.id);
    }
    w.lastDefined = def.id;
  }
  if (task.stream !== undefined) return encodeStreamCall(batch, at, def.id, task.payload as unknown[], task.stream.highWaterMark, task.stream.control.cells);
  return encodeCall(batch, at, task.op, def.id, task.payload);
}

// The batch could not be cloned: find the calls whose arguments cannot cross, fail only
// those, and send the rest again.
function postFailed(pool: Pool, w: PoolWorker, tasks: PoolTask[], error: unknown): void {
  w.defined.clear();
  w.lastDefined = -1;
  const culprits = uncloneableArguments(tasks);
  for (let i = tasks.length - 1; i >= 0; i--) {
    const task = tasks[i]!;
    const culprit = culprits.get(task);
    if (culprits.size > 0 && culprit === undefined) {
      pool.queue.unshift(task);
      continue;
    }
    pool.counts.failed++;
    task.setException(
      culprit ?? new TypeError(`this task could not be sent to a worker: ${(error as Error)?.message ?? String(error)}`, { cause: error }),
    );
  }
  pool.schedule();
}

/**
 * Why a batch could not be posted, per call: the error for each call whose arguments cannot
 * be cloned (functions, symbols, …). Calls with a transfer list are not probed: cloning
 * them here would detach their buffers.
 */
function uncloneableArguments(tasks: readonly PoolTask[]): Map<PoolTask, TypeError> {
  const culprits = new Map<PoolTask, TypeError>();
  for (const task of tasks) {
    if (task.transfer) continue;
    try {
      structuredClone(task.payload);
    } catch (cloneError) {
      culprits.set(
        task,
        new TypeError(
          `an argument of this task cannot be sent to a worker (structured clone failed: ${(cloneError as Error)?.message ?? String(cloneError)}); pass plain data: no functions, symbols or class instances with methods`,
          { cause: cloneError },
        ),
      );
    }
  }
  return culprits;
}

/** How long a call is expected to take on its worker, in ms (for prefetching). */
export function expectedMs(pool: Pool, task: PoolTask): number {
  if (task.stream !== undefined) return STREAM_MS;
  const def = task.def;
  if (def.id !== pool.lastMeasured && !pool.measured.has(def.id)) return TARGET_AHEAD_MS;
  return def.avgMs * task.calls;
}
