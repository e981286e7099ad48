import type { TransferItem } from "../transfer.js";
import { BrokenExecutorError, CancelledError, ShutdownError, WorkerExitedError } from "../errors.js";
import { ChunkError } from "../chunk-error.js";
import { Executor, type ShutdownOptions, type SubmitOptions, type Task } from "../executor.js";
import type { Future } from "../future.js";
import {
  CTRL_FINISHED,
  CTRL_SIZE,
  CTRL_STARTED,
  H_ABORT,
  H_BATCH,
  H_INIT,
  H_STREAM_CLOSE,
  H_STREAM_CREDIT,
  S_ERROR,
  S_OK,
  S_STREAM_CLOSED,
  W_INIT_FAILED,
  W_READY,
  W_RESULTS,
  W_STREAM_VALUES,
  W_UNCAUGHT,
  deserializeError,
  serializeError,
  type SerializedError,
  type TaskSpec,
} from "../protocol.js";
import { Queue } from "../queue.js";
import { ExecutorCounters, type WorkerPoolStats } from "../stats.js";
import { abortOn, checkSubmitOptions, DEFAULT_GRACE, runTimeoutError } from "../submit-options.js";
import { checkOptions, checkTimeout } from "../validate.js";
import { StreamBuffer } from "../stream/buffer.js";
import { SharedCredit } from "../stream/shared-credit.js";
import { checkStreamOptions } from "../stream/options.js";
import type { StreamOptions, StreamReturn, StreamSource, StreamYield, TaskStream } from "../stream/task-stream.js";
import type { PoolAdapter, SpawnOptions } from "./adapter.js";
import { appendCall, uncloneableArguments } from "./batch.js";
import { autoChunksize } from "./chunksize.js";
import { fateOfCall } from "./exit.js";
import { checkPoolOptions, type WorkerPoolOptions } from "./options.js";
import { PoolWorker } from "./pool-worker.js";
import { PoolTask, taskDef, type TaskDef } from "./task.js";

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
// A pool whose workers die this many times in a row before they are ready is broken.
const MAX_START_FAILURES = 3;

function unrefTimer(timer: ReturnType<typeof setTimeout>, adapter: PoolAdapter): void {
  if (adapter.unrefTimer) adapter.unrefTimer(timer);
  else (timer as { unref?: () => void }).unref?.();
}

/**
 * Python's `ProcessPoolExecutor`: runs tasks in a pool of workers (one isolate each), for
 * CPU-bound work. A task is a self-contained function (sent by source, compiled once per
 * worker) or a module task (`taskModule(url).name`). Arguments and results are cloned.
 */
export class WorkerPoolExecutor extends Executor {
  readonly #adapter: PoolAdapter;
  readonly #maxWorkers: number;
  readonly #minWorkers: number;
  readonly #idleTimeout: number;
  readonly #maxTasks: number;
  readonly #init: TaskSpec | null;
  readonly #initArgs: readonly unknown[];
  readonly #spawnOptions: SpawnOptions;
  readonly #name: string;
  readonly #queue = new Queue<PoolTask>();
  readonly #workers: PoolWorker[] = [];
  readonly #exiting = new Set<PoolWorker>();
  #nextWorker = 0;
  #lastFn: unknown = undefined;
  #idleSweep: ReturnType<typeof setTimeout> | undefined = undefined;
  #unrefPending = false;
  // Functions this pool has seen finish (their averages are trusted for prefetching).
  readonly #measured = new Set<number>();
  #lastMeasured = -1;
  #lastDef: TaskDef | undefined = undefined;
  #rotate = 0;
  #scheduled = false;
  #closed = false;
  #terminating: string | undefined = undefined;
  #broken: BrokenExecutorError | undefined = undefined;
  #startFailures = 0;
  #inFlight = 0;
  readonly #counts = new ExecutorCounters();
  #busyMs = 0;
  readonly #createdAt = performance.now();
  #done: Promise<void> | undefined = undefined;
  #resolveDone: (() => void) | undefined = undefined;
  readonly #flushNow = () => this.#flush();

  constructor(options?: WorkerPoolOptions) {
    super();
    checkPoolOptions(options);
    const adapter = options?.adapter;
    if (!adapter) {
      throw new TypeError(
        "WorkerPoolExecutor needs an adapter: import it from @concurrent/futures (which picks the runtime's), or pass { adapter }",
      );
    }
    this.#adapter = adapter;
    this.#maxWorkers = options?.maxWorkers ?? Math.max(1, adapter.cpuCount(), options?.minWorkers ?? 0);
    this.#minWorkers = Math.min(options?.minWorkers ?? 0, this.#maxWorkers);
    this.#idleTimeout = options?.idleTimeout ?? 30_000;
    this.#maxTasks = options?.maxTasksPerWorker ?? Infinity;
    this.#name = options?.name ?? "concurrent-worker";
    this.#spawnOptions = options?.resourceLimits ? { resourceLimits: options.resourceLimits } : {};
    this.#initArgs = options?.initArgs ?? [];
    const initializer = options?.initializer;
    if (initializer === undefined) this.#init = null;
    else {
      const def = taskDef(initializer);
      this.#init = def.source !== undefined ? { source: def.source } : { url: def.url!, name: def.name! };
    }
  }

  submit<A extends unknown[], R>(fn: Task<A, R>, ...args: A): Future<Awaited<R>> {
    return this.#submit(fn, args, false, undefined) as Future<Awaited<R>>;
  }

  submitWith<A extends unknown[], R>(options: SubmitOptions, fn: Task<A, R>, ...args: A): Future<Awaited<R>> {
    checkSubmitOptions(options);
    const task = this.#submit(fn, args, false, options.transfer);
    if (!task.done() && (options.signal !== undefined || options.timeout !== undefined || options.queueTimeout !== undefined)) {
      task.limits = options;
      if (options.timeout !== undefined) task.addDoneCallback(() => clearTimeout(task.timer));
      abortOn(task, options, (reason) => this.#abort(task, reason), () => this.#waiting(task));
    }
    return task as Future<Awaited<R>>;
  }

  /**
   * Run a generator (or a function returning an iterable) in a worker, as one call that
   * holds its worker until it ends; its values cross in frames as it yields them, at most
   * `highWaterMark` ahead of the consumer. `signal`, `timeout`, `queueTimeout` and `grace`
   * act as for `submitWith` (a signal rejects with `CancelledError`, its reason as `cause`);
   * the task's `currentSignal()` aborts, and its iterator's `return()` runs. See {@link TaskStream}.
   */
  override streamWith<A extends unknown[], T extends StreamSource>(
    options: StreamOptions,
    fn: Task<A, T>,
    ...args: A
  ): TaskStream<StreamYield<T>, StreamReturn<T>> {
    const highWaterMark = checkStreamOptions(options);
    const task = this.#submit(fn, args, false, options.transfer);
    const credit = new SharedCredit();
    const stream = new StreamBuffer<unknown, unknown>(task, highWaterMark, {
      cells: credit.cells,
      grant: (n) => {
        const w = task.worker as PoolWorker | undefined;
        if (credit.grant(n) && w !== undefined && w.state !== "dead") w.handle.post([H_STREAM_CREDIT, task.seq, 0]);
      },
      close: (reason) => {
        credit.close();
        this.#closeStream(task, reason);
      },
    });
    task.stream = stream;
    const { signal, timeout, queueTimeout, grace } = options;
    if (!task.done() && (signal !== undefined || timeout !== undefined || queueTimeout !== undefined || grace !== undefined)) {
      task.limits = options;
      if (timeout !== undefined) task.addDoneCallback(() => clearTimeout(task.timer));
      const waiting = () => this.#waiting(task);
      if (signal !== undefined) {
        abortOn(task, { signal }, (reason) => this.#abort(task, new CancelledError("the stream's signal aborted", { cause: reason })), waiting);
      }
      if (queueTimeout !== undefined) abortOn(task, { queueTimeout }, (reason) => this.#abort(task, reason), waiting);
    }
    return stream as unknown as TaskStream<StreamYield<T>, StreamReturn<T>>;
  }

  override _submitChunk(fn: Task<[unknown], unknown>, items: unknown[]): Future<unknown[]> {
    return this.#submit(fn, items, true, undefined) as Future<unknown[]>;
  }

  /** The automatic `map` chunksize: see {@link autoChunksize}. */
  override _chunksize(items: Iterable<unknown> | AsyncIterable<unknown>, requested: number | undefined, fn?: Task<[unknown], unknown>): number {
    if (requested !== undefined) return requested;
    let avgMs = -1;
    if (fn !== undefined) {
      try {
        avgMs = taskDef(fn).avgMs;
      } catch {
        avgMs = -1; // not a task: submit reports it
      }
    }
    return autoChunksize(items, this.#maxWorkers, avgMs);
  }

  async shutdown(options?: ShutdownOptions): Promise<void> {
    checkOptions(options, ["wait", "cancelFutures"], "shutdown");
    this.#closed = true;
    if (options?.cancelFutures) this.#cancelQueued();
    this.#checkDone();
    if (options?.wait === false) return;
    return this.#whenDone();
  }

  /**
   * Stop now: cancel every call not started, abort every running call (its future fails with
   * `WorkerExitedError`, and its `currentSignal()` aborts with that), give each its `grace`
   * to return (default 1000 ms; `{ grace: 0 }` skips it), terminate every worker and shut
   * down. Python 3.14's `terminate_workers()`. Resolves once every worker has exited.
   */
  terminateWorkers(options?: { grace?: number }): Promise<void> {
    checkOptions(options, ["grace"], "terminateWorkers");
    const grace = options?.grace;
    if (grace !== undefined) checkTimeout(grace, "terminateWorkers grace");
    this.#closed = true;
    this.#terminating = "the pool was terminated (terminateWorkers) while the task ran";
    this.#cancelQueued();
    for (const w of [...this.#workers]) {
      if (grace === 0 || w.state !== "ready" || w.load === 0) {
        this.#stop(w);
        continue;
      }
      // Each call hears the abort: the running one through currentSignal(), the ones queued
      // behind it never start. The worker is stopped once they are all back (#checkDone) or
      // a call outstays its grace (#abort).
      const started = Atomics.load(w.ctrl, CTRL_STARTED);
      for (const task of w.inFlight.toArray()) {
        const message = task.seq < started ? this.#terminating : "the pool was terminated before the task started";
        this.#abort(task, new WorkerExitedError(message), grace);
      }
    }
    this.#checkDone();
    return this.#whenDone();
  }

  stats(): WorkerPoolStats {
    const elapsed = performance.now() - this.#createdAt;
    return {
      ...this.#counts.stats(this.#maxWorkers, this.#inFlight, this.#queue.size),
      workers: this.#workers.length,
      utilization: elapsed > 0 ? Math.min(1, this.#busyMs / (elapsed * this.#maxWorkers)) : 0,
    };
  }

  // ---- submitting ------------------------------------------------------------------

  #submit(fn: Task<never, unknown>, args: unknown[], chunk: boolean, transfer: readonly TransferItem[] | undefined): PoolTask {
    if (this.#closed) throw new ShutdownError();
    // Most submits repeat the previous function: skip the WeakMap lookup for it.
    let def = this.#lastDef;
    if (fn !== this.#lastFn || def === undefined) {
      def = taskDef(fn);
      this.#lastFn = fn;
      this.#lastDef = def;
    }
    const task = new PoolTask(def, args, chunk, transfer, performance.now());
    if (this.#broken) {
      task.setRunningOrNotifyCancel();
      task.setException(this.#broken);
      this.#counts.failed++;
      return task;
    }
    this.#queue.push(task);
    if (!this.#scheduled) {
      // Everything submitted in this turn of the event loop leaves in one message per worker.
      this.#scheduled = true;
      queueMicrotask(this.#flushNow);
    }
    return task;
  }

  #schedule(): void {
    if (!this.#scheduled && this.#queue.size > 0) {
      this.#scheduled = true;
      queueMicrotask(this.#flushNow);
    }
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#queue.size === 0) return;
    const workers = this.#workers;
    let ready = 0;
    for (const w of workers) if (w.state === "ready") ready++;
    if (ready > 0) {
      // An even share over the workers the pool may have, not just those ready now: the
      // rest start below and take their part.
      const share = Math.ceil(this.#queue.size / Math.max(ready, this.#maxWorkers));
      const n = workers.length;
      const first = this.#rotate++ % n;
      // Idle workers first. A call handed to a busy worker waits behind whatever that worker
      // is running (a long call may never end), so calls are queued ahead on busy workers
      // only once the pool is full and no worker is starting: otherwise a worker that is
      // starting, or one still to be started, takes them.
      let starting = 0;
      for (const w of workers) if (w.state === "starting") starting++;
      const full = starting === 0 && (workers.length >= this.#maxWorkers || this.#broken !== undefined);
      for (let pass = 0; pass < (full ? 2 : 1) && this.#queue.size > 0; pass++) {
        for (let k = 0; k < n && this.#queue.size > 0; k++) {
          const w = workers[(first + k) % n]!;
          if (w.state !== "ready" || (pass === 0 && w.load > 0)) continue;
          const room = Math.min(MAX_AHEAD - w.load, share, this.#maxTasks - w.sent);
          if (room > 0) this.#send(w, room);
        }
      }
    }
    // Start more workers while calls still wait and the pool may grow.
    let starting = 0;
    for (const w of workers) if (w.state === "starting") starting++;
    while (this.#queue.size > starting && workers.length < this.#maxWorkers && !this.#broken) {
      this.#spawn();
      starting++;
    }
    // The queue may have held only calls cancelled after a shutdown(): it is empty now.
    if (this.#closed) this.#checkDone();
  }

  #send(w: PoolWorker, room: number): void {
    const batch: unknown[] = [H_BATCH];
    const tasks: PoolTask[] = [];
    let transfer: TransferItem[] | undefined;
    // An idle worker always gets one call; after that, calls while the work queued on the
    // worker is expected to take less than TARGET_AHEAD_MS.
    while (tasks.length < room && (w.aheadMs < TARGET_AHEAD_MS || (tasks.length === 0 && w.load === 0))) {
      const task = this.#queue.shift();
      if (task === undefined) break;
      if (task.done()) {
        // cancelled or aborted while it waited (an abort was counted as failed then)
        if (task.cancelled()) this.#counts.cancelled++;
        continue;
      }
      if (task.state === "pending") task.setRunningOrNotifyCancel();
      appendCall(batch, w, task);
      w.aheadMs += this.#expectedMs(task);
      if (task.transfer) (transfer ??= []).push(...task.transfer);
      tasks.push(task);
    }
    if (tasks.length === 0) return;
    try {
      w.handle.post(batch, transfer);
    } catch (error) {
      this.#postFailed(w, tasks, error);
      return;
    }
    for (const task of tasks) {
      task.worker = w;
      task.seq = w.sent++;
      w.inFlight.push(task);
      if (task.limits !== undefined) this.#armRunTimeout(task);
    }
    this.#inFlight += tasks.length;
    w.idleSince = -1;
    w.ref();
  }

  // The batch could not be cloned: find the calls whose arguments cannot cross, fail only
  // those, and send the rest again.
  #postFailed(w: PoolWorker, tasks: PoolTask[], error: unknown): void {
    w.defined.clear();
    w.lastDefined = -1;
    const culprits = uncloneableArguments(tasks);
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i]!;
      const culprit = culprits.get(task);
      if (culprits.size > 0 && culprit === undefined) {
        this.#queue.unshift(task);
        continue;
      }
      this.#counts.failed++;
      task.setException(
        culprit ?? new TypeError(`this task could not be sent to a worker: ${(error as Error)?.message ?? String(error)}`, { cause: error }),
      );
    }
    this.#schedule();
  }

  #expectedMs(task: PoolTask): number {
    if (task.stream !== undefined) return STREAM_MS;
    const def = task.def;
    if (def.id !== this.#lastMeasured && !this.#measured.has(def.id)) return TARGET_AHEAD_MS;
    return task.chunk ? def.avgMs * task.args.length : def.avgMs;
  }

  // ---- workers -----------------------------------------------------------------------

  #spawn(): void {
    const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SIZE * Int32Array.BYTES_PER_ELEMENT));
    const w = new PoolWorker(this.#nextWorker++, ctrl);
    this.#workers.push(w);
    w.handle = this.#adapter.spawn(
      this.#adapter.workerUrl,
      {
        message: (data) => this.#onMessage(w, data),
        messageError: (error) => this.#onMessageError(w, error),
        exit: (code, error) => this.#onExit(w, code, error),
      },
      { ...this.#spawnOptions, name: `${this.#name}-${w.id}` },
    );
    w.ref(); // it was started for work that is waiting
    w.handle.post([H_INIT, ctrl, this.#init, this.#initArgs]);
  }

  #onMessage(w: PoolWorker, data: unknown): void {
    const message = data as unknown[];
    switch (message[0]) {
      case W_RESULTS:
        this.#onResults(w, message);
        break;
      case W_STREAM_VALUES:
        // Frames come from the stream the worker runs now: the oldest call it holds.
        w.inFlight.peek()?.stream?.pushFrame(message, 1);
        break;
      case W_READY:
        if (w.state !== "starting") break;
        w.state = "ready";
        this.#startFailures = 0;
        if (this.#queue.size > 0) this.#flush();
        else this.#onIdle(w);
        break;
      case W_INIT_FAILED:
        this.#break(
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

  #onResults(w: PoolWorker, message: unknown[]): void {
    const now = performance.now();
    let busy = 0;
    for (let i = 1; i < message.length; i += 3) {
      const task = w.inFlight.shift();
      if (task === undefined) break; // cannot happen: results come in call order
      w.reported++;
      this.#inFlight--;
      task.worker = undefined;
      const ms = message[i + 2] as number;
      busy += ms;
      w.aheadMs -= this.#expectedMs(task);
      this.#counts.runTime.record(ms);
      this.#counts.waitTime.record(Math.max(0, now - task.submittedAt - ms));
      const def = task.def;
      const perItem = task.chunk ? ms / Math.max(1, task.args.length) : ms;
      def.avgMs = def.avgMs < 0 ? perItem : def.avgMs * 0.8 + perItem * 0.2;
      if (def.id !== this.#lastMeasured) {
        this.#measured.add(def.id);
        this.#lastMeasured = def.id;
      }
      if (task.done()) continue; // aborted while it ran: already rejected
      const status = message[i] as number;
      const value = message[i + 1];
      if (status === S_OK) {
        this.#counts.completed++;
        task.setResult(value);
      } else if (status === S_STREAM_CLOSED) {
        const reason = task.stream?.closeReason ?? new CancelledError("the stream was closed");
        if (reason instanceof CancelledError) this.#counts.cancelled++;
        else this.#counts.failed++;
        task.setException(reason);
      } else {
        this.#counts.failed++;
        if (status === S_ERROR) task.setException(deserializeError(value as SerializedError));
        else {
          const [values, error] = value as [unknown[], SerializedError];
          task.setException(new ChunkError(values, deserializeError(error)));
        }
      }
    }
    this.#busyMs += busy;
    // The worker has moved on to its next call: a timed one waiting there starts about now,
    // so look at its run time from here rather than a whole `timeout` after it was sent.
    const next = w.inFlight.peek();
    if (next !== undefined && next.limits !== undefined) this.#armRunTimeout(next);
    // Estimates change while calls run: start from zero whenever the worker is empty.
    if (w.load === 0 || w.aheadMs < 0) w.aheadMs = 0;
    if (w.load === 0) this.#onIdle(w);
    if (this.#queue.size > 0) this.#flush();
    this.#checkDone();
  }

  #onMessageError(w: PoolWorker, error: unknown): void {
    // A message from the worker could not be deserialized: its results are lost, so the
    // calls it answered can never settle. Stop the worker; its calls fail with the reason.
    w.uncaught = error;
    this.#stop(w);
  }

  #onIdle(w: PoolWorker): void {
    this.#unrefSoon();
    if (w.state !== "ready") return;
    if (w.sent >= this.#maxTasks) {
      this.#stop(w);
      this.#schedule();
      return;
    }
    if (this.#closed || this.#idleTimeout === Infinity) return;
    w.idleSince = performance.now();
    if (this.#idleSweep === undefined && this.#workers.length > this.#minWorkers) this.#armIdleSweep(this.#idleTimeout);
  }

  // An idle worker must not keep the process alive, but unref()/ref() cost a runtime call
  // each (an op on Deno), and a request/response loop makes a worker idle after every call.
  // So idle workers are unref'd one macrotask later, together: until then the pending timer
  // holds the process anyway, and a worker that got work meanwhile is left ref'd.
  #unrefSoon(): void {
    if (this.#unrefPending) return;
    this.#unrefPending = true;
    setTimeout(this.#unrefIdle, 0);
  }

  readonly #unrefIdle = (): void => {
    this.#unrefPending = false;
    for (const w of this.#workers) if (w.load === 0 && w.state !== "starting") w.unref();
  };

  // One timer for the whole pool, not one per worker per idle spell: a worker going idle and
  // busy again (every call, in a request/response loop) only writes a timestamp.
  #armIdleSweep(ms: number): void {
    this.#idleSweep = setTimeout(this.#sweepIdle, ms);
    unrefTimer(this.#idleSweep, this.#adapter);
  }

  readonly #sweepIdle = (): void => {
    this.#idleSweep = undefined;
    if (this.#closed) return;
    const now = performance.now();
    let next = Infinity;
    for (const w of [...this.#workers]) {
      if (w.state !== "ready" || w.load > 0 || w.idleSince < 0) continue;
      const due = w.idleSince + this.#idleTimeout;
      if (due <= now + 1) {
        if (this.#workers.length > this.#minWorkers) this.#stop(w);
      } else next = Math.min(next, due);
    }
    if (next !== Infinity && this.#workers.length > this.#minWorkers) this.#armIdleSweep(next - now);
  };

  /** Take a worker out of the pool and terminate it; its calls are settled on exit. */
  #stop(w: PoolWorker): void {
    if (w.state === "retiring" || w.state === "dead") return;
    w.state = "retiring";
    const index = this.#workers.indexOf(w);
    if (index >= 0) this.#workers.splice(index, 1);
    this.#exiting.add(w);
    // Hold the process until the exit arrives: `await pool.shutdown()` waits for it, and with
    // every worker unref'd nothing else may keep the event loop alive (seen on Bun).
    w.ref();
    w.handle.terminate();
  }

  #onExit(w: PoolWorker, code: number, error: unknown): void {
    if (w.state === "dead") return;
    const wasStarting = w.state === "starting";
    w.state = "dead";
    const index = this.#workers.indexOf(w);
    if (index >= 0) this.#workers.splice(index, 1);
    this.#exiting.delete(w);
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
      this.#inFlight--;
      task.worker = undefined;
      if (task.done()) continue;
      const fate = this.#terminating || this.#broken ? "fail" : fateOfCall(task, seq, started, finished);
      if (fate === "rerun") task.rerun = true;
      if (fate !== "fail") {
        requeue.push(task);
        continue;
      }
      this.#counts.failed++;
      task.setException(
        task.abortReason ??
          this.#broken ??
          new WorkerExitedError(
            this.#terminating && seq >= started
              ? "the pool was terminated before the task started"
              : (this.#terminating ?? `the worker running the task exited (code ${code})${cause ? `: ${String((cause as Error)?.message ?? cause)}` : ""}`),
            cause === undefined ? undefined : { cause },
          ),
      );
    }
    for (let i = requeue.length - 1; i >= 0; i--) this.#queue.unshift(requeue[i]!);
    if (wasStarting && !this.#terminating && !this.#broken && this.#queue.size > 0) {
      if (++this.#startFailures >= MAX_START_FAILURES) {
        this.#break(
          new BrokenExecutorError(`workers exit before they are ready (${this.#startFailures} in a row, last code ${code})`, cause === undefined ? undefined : { cause }),
        );
      }
    }
    this.#flush();
    this.#checkDone();
  }

  // ---- failure, abort, shutdown ----------------------------------------------------

  #break(error: BrokenExecutorError): void {
    if (this.#broken) return;
    this.#broken = error;
    this.#failQueued(error);
    for (const w of [...this.#workers]) this.#stop(w);
    this.#checkDone();
  }

  #failQueued(error: unknown): void {
    for (const task of this.#queue.drain()) {
      if (task.done()) {
        if (task.cancelled()) this.#counts.cancelled++;
        continue;
      }
      if (task.state === "pending") task.setRunningOrNotifyCancel();
      this.#counts.failed++;
      task.setException(error);
    }
  }

  #cancelQueued(): void {
    const kept: PoolTask[] = [];
    for (const task of this.#queue.drain()) {
      if (task.cancel()) this.#counts.cancelled++;
      else if (!task.done()) kept.push(task); // handed back by a dead worker: already running
    }
    if (this.#terminating) {
      for (const task of kept) {
        this.#counts.failed++;
        task.setException(new WorkerExitedError("the pool was terminated before the task started"));
      }
    } else for (const task of kept) this.#queue.push(task);
  }

  // Close a stream its consumer left (break, return()). Not started: it never runs. On a
  // worker: that worker stops it (its iterator's return() runs there) and reports back,
  // which settles it with CancelledError and frees the slot — within the call's `grace`,
  // else the worker is stopped and replaced (the future rejects with `reason` then too).
  #closeStream(task: PoolTask, reason: unknown): void {
    if (task.done()) return;
    const w = task.worker as PoolWorker | undefined;
    if (w !== undefined) {
      if (w.state !== "dead") {
        w.handle.post([H_STREAM_CLOSE, task.seq]);
        task.abortReason = reason;
        const grace = task.limits?.grace ?? DEFAULT_GRACE;
        if (grace !== Infinity) this.#graceOver(task, w, grace);
      }
      return;
    }
    if (task.state === "pending" && reason instanceof CancelledError) {
      task.cancel();
      return;
    }
    if (task.state === "pending") task.setRunningOrNotifyCancel();
    this.#counts.failed++;
    task.setException(reason);
  }

  // ---- run time, abort, grace ---------------------------------------------------------
  //
  // A call's run-time `timeout` counts from when its worker starts it, which only the worker
  // knows: it writes the start time into the control block (CTRL_STARTED_AT_BYTE). The host
  // arms one timer when it hands the call over (the earliest it can start) and, when it
  // fires, reads how far the worker got: not started yet — wait `timeout` again; running —
  // wait for the rest of it; past it — abort. So a call that waited behind a long one is
  // not charged for the wait (piscina #869), and a plain submit costs no timer at all.

  #armRunTimeout(task: PoolTask): void {
    const timeout = task.limits!.timeout;
    if (timeout === undefined || timeout === Infinity) return;
    clearTimeout(task.timer);
    task.timer = setTimeout(() => this.#checkRunTime(task, timeout), timeout);
  }

  #checkRunTime(task: PoolTask, timeout: number): void {
    task.timer = undefined;
    const w = task.worker as PoolWorker | undefined;
    if (task.done() || w === undefined) return; // back in the queue: armed again when sent
    let wait = timeout;
    if (task.seq < Atomics.load(w.ctrl, CTRL_STARTED)) {
      if (task.seq < Atomics.load(w.ctrl, CTRL_FINISHED)) return; // its result is on its way
      // Running: a worker runs one call at a time, so the start time written is this call's.
      wait = w.startedAt[0]! + timeout - (performance.timeOrigin + performance.now());
      if (wait <= 0) {
        this.#abort(task, runTimeoutError(timeout));
        return;
      }
    }
    task.timer = setTimeout(() => this.#checkRunTime(task, timeout), Math.max(1, wait));
  }

  /** For `queueTimeout`: the call has not started (in the pool's queue, or queued on a worker). */
  #waiting(task: PoolTask): boolean {
    const w = task.worker as PoolWorker | undefined;
    return w === undefined || task.seq >= Atomics.load(w.ctrl, CTRL_STARTED);
  }

  /**
   * Abort a call: its future rejects with `reason` now (as the contract says, even if the
   * task then returns a value). A call still in the pool's queue never runs (#send skips
   * it). A call on a worker is told so (H_ABORT): if it has not started it never will; if it
   * runs, its `currentSignal()` aborts, and it has `grace` ms to return by itself — then its
   * worker is kept, and no thread is started for it — before the worker is stopped and
   * replaced (the calls queued behind it go to other workers).
   */
  #abort(task: PoolTask, reason: unknown, grace = task.limits?.grace ?? DEFAULT_GRACE): void {
    if (task.done()) return;
    const w = task.worker as PoolWorker | undefined;
    if (w !== undefined && task.seq < Atomics.load(w.ctrl, CTRL_FINISHED)) return; // finished: its result is on its way
    if (task.state === "pending") task.setRunningOrNotifyCancel();
    this.#counts.failed++;
    task.abortReason = reason;
    task.setException(reason);
    if (w === undefined || w.state !== "ready") return; // in the queue, or its worker is already going
    try {
      w.handle.post([H_ABORT, task.seq, serializeError(reason)]);
    } catch {
      w.handle.post([H_ABORT, task.seq, serializeError(String(reason))]);
    }
    if (grace === 0) {
      if (task.seq < Atomics.load(w.ctrl, CTRL_STARTED)) this.#stop(w);
      else this.#graceOver(task, w, 0); // not started: it is skipped when its turn comes
      return;
    }
    if (grace !== Infinity) this.#graceOver(task, w, grace);
  }

  #graceOver(task: PoolTask, w: PoolWorker, grace: number): void {
    const check = (): void => {
      // Its result came back (task.worker is cleared then), or the worker is already going.
      if (task.worker !== w || w.state !== "ready") return;
      if (task.seq < Atomics.load(w.ctrl, CTRL_FINISHED)) return;
      // Not started yet (a call ahead of it still runs): it will be skipped; look again later.
      if (task.seq >= Atomics.load(w.ctrl, CTRL_STARTED)) setTimeout(check, Math.max(grace, 10));
      else this.#stop(w);
    };
    setTimeout(check, grace);
  }

  #checkDone(): void {
    if (!this.#closed || this.#queue.size > 0 || this.#inFlight > 0) return;
    if (this.#idleSweep !== undefined) {
      clearTimeout(this.#idleSweep);
      this.#idleSweep = undefined;
    }
    for (const w of [...this.#workers]) this.#stop(w);
    if (this.#workers.length === 0 && this.#exiting.size === 0 && this.#resolveDone) {
      this.#resolveDone();
      this.#resolveDone = undefined;
    }
  }

  #whenDone(): Promise<void> {
    if (this.#workers.length === 0 && this.#exiting.size === 0 && this.#queue.size === 0 && this.#inFlight === 0) {
      return Promise.resolve();
    }
    this.#done ??= new Promise((resolve) => (this.#resolveDone = resolve));
    return this.#done;
  }
}

export type { WorkerPoolOptions, WorkerPoolStats };
