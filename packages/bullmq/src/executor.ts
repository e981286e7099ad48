// QueueExecutor: the producer side. Each call (or map chunk) is one BullMQ job with an id of
// our own (`<executor id>-<n>`), so a future is matched to its job before Redis answers the
// add, and several executors on one queue never take each other's results. One QueueEvents
// stream reader per executor turns BullMQ's `active`, `completed` and `failed` events into
// future state (jobs.ts); Dask's `Client.get_executor()` does the same with its scheduler's
// "key finished" messages.
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import {
  CancelledError,
  ShutdownError,
  StreamBuffer,
  type ExecutorStats,
  type Future,
  type ShutdownOptions,
  type StreamOptions,
  type StreamSource,
  type SubmitOptions,
  type Task,
  type TaskStream,
} from "@concurrent/core";
import { abortOn, checkOptions, checkSubmitOptions, StreamingExecutor } from "@concurrent/core/kit";
import type { Json } from "./codec.js";
import { connect, describeConnection, drop, Watchdog, type Connection } from "./connection.js";
import { abortChannel } from "./abort.js";
import { encodePayload, taskRef, type CallLimits } from "./envelope.js";
import { JobTable, newEntry, QueueFuture } from "./jobs.js";
import { JobSender } from "./send.js";
import { checkExecutorOptions, jobOptions, type QueueExecutorOptions } from "./options.js";
import { StreamReader, streamKeys } from "./stream.js";

function randomId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("");
}

/** The limits the worker applies where the call runs (JSON has no Infinity: "none" is left out). */
function callLimits(options: SubmitOptions, queueTimeout: boolean): CallLimits {
  const limits: CallLimits = {};
  if (options.timeout !== undefined && options.timeout !== Infinity) limits.t = options.timeout;
  if (options.grace !== undefined && options.grace !== Infinity) limits.g = options.grace;
  if (queueTimeout && options.queueTimeout !== undefined && options.queueTimeout !== Infinity) limits.q = options.queueTimeout;
  return limits;
}

/**
 * An {@link Executor} whose tasks run on `QueueWorker`s anywhere, through a BullMQ queue.
 * Execution is at-least-once: a task whose worker dies runs again on another.
 */
export class QueueExecutor extends StreamingExecutor {
  readonly id = randomId();
  readonly #opts: QueueExecutorOptions;
  readonly #where: string;
  readonly #clients: Redis[] = [];
  readonly #queue: Queue;
  readonly #producer: Redis;
  #events: QueueEvents | undefined;
  readonly #ready: Promise<void>;
  readonly #watchdog: Watchdog;
  readonly #jobs: JobTable;
  readonly #sender: JobSender;
  #seq = 0;
  #shutdown = false;
  #closed: Promise<void> | undefined;

  constructor(options: QueueExecutorOptions) {
    super();
    const connection = checkExecutorOptions(options);
    this.#opts = options;
    this.#where = `QueueExecutor(${describeConnection(connection)}, queue "${options.queue}")`;
    this.#watchdog = new Watchdog(options.connectTimeout ?? 10_000, this.#where, (error) => this.#jobs.failAll(error));
    const client = (this.#producer = this.#client(connection, "producer"));
    const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
    this.#queue = new Queue(options.queue, { connection: client, ...prefix, streams: { events: { maxLen: 100_000 } } });
    this.#queue.on("error", () => {});
    const channel = abortChannel(options.prefix, options.queue);
    this.#jobs = new JobTable({ queue: this.#queue, producer: client, watchdog: this.#watchdog, abortChannel: channel });
    this.#ready = this.#subscribe(connection, client, prefix);
    this.#ready.catch(() => {});
    this.#sender = new JobSender(this.#queue, this.#ready, this.#jobs, jobOptions(options), options.secret, this.#where);
  }

  #client(connection: Connection, role: string): Redis {
    const client = connect(connection, `concurrent:${role}:${this.id}`);
    this.#clients.push(client);
    this.#watchdog.watch(client);
    return client;
  }

  // A QueueEvents that starts from `$` misses what is written before its first XREAD; start
  // it from the stream's last id read now, before any of our jobs is added, so no event of
  // ours can be missed.
  async #subscribe(connection: Connection, client: Redis, prefix: { prefix?: string }): Promise<void> {
    const top = (await client.xrevrange(this.#queue.toKey("events"), "+", "-", "COUNT", 1)) as [string, string[]][];
    const lastEventId = top[0]?.[0] ?? "0-0";
    // blockingTimeout: BullMQ guards each blocking XREAD with a timer of this + 1 s; when
    // Redis is lost, that timer is what keeps a shut-down process alive the longest.
    const events = new QueueEvents(this.#opts.queue, {
      connection: this.#client(connection, "events"),
      ...prefix,
      lastEventId,
      autorun: false,
      blockingTimeout: 5000,
    });
    const jobs = this.#jobs;
    events.on("error", () => {});
    events.on("active", ({ jobId }) => jobs.onActive(jobId));
    events.on("completed", ({ jobId, returnvalue }) => jobs.onCompleted(jobId, returnvalue as unknown as Json));
    events.on("failed", ({ jobId, failedReason }) => void jobs.onFailed(jobId, failedReason));
    this.#events = events;
    void events.run().catch(() => {});
  }

  // ---- submit ---------------------------------------------------------------------------

  submit<A extends unknown[], R>(fn: Task<A, R>, ...args: A): QueueFuture<Awaited<R>> {
    return this.#submit(fn, args, undefined) as QueueFuture<Awaited<R>>;
  }

  /**
   * `submit` with per-call options. `signal`, `timeout` (run time, from when a worker takes
   * the job) and `queueTimeout` (time waiting in the queue) reject the future with the
   * reason; a job still waiting is removed, one already running finishes on its worker and
   * its result is dropped. `transfer` is accepted and ignored (values are always copied).
   */
  submitWith<A extends unknown[], R>(options: SubmitOptions, fn: Task<A, R>, ...args: A): QueueFuture<Awaited<R>> {
    checkSubmitOptions(options);
    // The worker applies the run-time timeout and grace where the call runs: only it knows
    // when the call starts (BullMQ's `active` includes its prefetch). queueTimeout is checked
    // here until a worker takes the job, and there for the rest (see worker.ts).
    const future = this.#submit(fn, args, undefined, callLimits(options, true)) as QueueFuture<Awaited<R>>;
    const jobs = this.#jobs;
    const abort = (reason: unknown): void => {
      if (future.done()) return;
      const entry = jobs.get(future.jobId);
      if (entry) jobs.counts.failed++;
      // A worker holds it: tell it now, not after the removal below fails.
      if (entry && future.state === "running" && entry.where === "added") void jobs.publishAbort(entry, reason);
      if (future.state === "pending") future.setRunningOrNotifyCancel();
      future.setException(reason);
      // Still in the batch: #flush skips it. In Redis: take it out, or (a worker holds it)
      // tell the worker, whose task hears it through currentSignal().
      if (entry) {
        entry.reason = reason;
        void jobs.remove(entry);
      }
    };
    const entry = jobs.get(future.jobId);
    if (entry) entry.abortable = true;
    abortOn(future, options, abort);
    return future;
  }

  /**
   * Run a generator task on a worker and stream its values back through Redis, at most
   * `highWaterMark` ahead of the consumer. A run again after a stall starts from the
   * beginning; values already received are skipped by index (the task must yield the same
   * values when re-run). See `TaskStream`.
   */
  protected override openStream(highWaterMark: number, options: StreamOptions, fn: Task<unknown[], StreamSource>, args: unknown[]): TaskStream<unknown, unknown> {
    // The worker applies the run-time timeout and grace (as submitWith's); a signal or
    // queueTimeout closes the stream from here.
    const future = this.#submit(fn, args, undefined, callLimits(options, false), highWaterMark);
    const jobs = this.#jobs;
    const entry = jobs.get(future.jobId);
    let aborted = false; // closed by its signal (the task hears it), not left by its consumer
    const reader = new StreamReader(this.#producer, streamKeys(this.#queue.toKey(future.jobId)), (outcome) => jobs.onStreamOutcome(future, outcome));
    const stream = new StreamBuffer<unknown, unknown>(future, highWaterMark, {
      grant: (n) => reader.grant(n),
      close: (reason) => {
        if (future.done()) return;
        if (future.state === "pending" && reason instanceof CancelledError) future.cancel();
        else if (future.state === "pending") {
          jobs.counts.failed++;
          future.setException(reason);
          if (entry) void jobs.remove(entry);
        } else reader.close(aborted);
      },
    });
    reader.buffer = stream;
    reader.onValues = () => jobs.onActive(future.jobId);
    if (entry) entry.stream = reader;
    // As submitWith (a signal rejects with CancelledError, its reason as cause), but a
    // running stream is closed on its worker, and settles once the worker confirms it.
    const { signal, queueTimeout } = options;
    if (signal !== undefined) {
      // The task hears it too, through currentSignal(): published to the worker that runs
      // it, as submitWith's (abort.ts).
      if (entry) entry.abortable = true;
      abortOn(future, { signal }, (reason) => {
        const error = new CancelledError("the stream's signal aborted", { cause: reason });
        if (entry && future.state === "running" && entry.where === "added") void jobs.publishAbort(entry, error);
        aborted = true;
        stream.abort(error);
      });
    }
    if (queueTimeout !== undefined) abortOn(future, { queueTimeout }, (reason) => stream.abort(reason));
    return stream as unknown as TaskStream<unknown, unknown>;
  }

  /** @internal map's chunk: one job for all `items`. */
  override _submitChunk(fn: Task<[unknown], unknown>, items: unknown[]): Future<unknown[]> {
    return this.#submit(fn, undefined, items) as Future<unknown[]>;
  }

  #submit(fn: unknown, args: unknown[] | undefined, items: unknown[] | undefined, limits?: CallLimits, highWaterMark?: number): QueueFuture<unknown> {
    if (this.#shutdown) throw new ShutdownError();
    const task = taskRef(fn);
    const future = new QueueFuture<unknown>(`${this.id}-${++this.#seq}`);
    const entry = newEntry(future, items !== undefined, "new");
    try {
      entry.payload = encodePayload(task, args, items, limits, highWaterMark);
    } catch (error) {
      // An argument the codec cannot carry fails this future at once, and nothing else.
      future.setException(error);
      this.#jobs.counts.failed++;
      return future;
    }
    const down = this.#watchdog.down;
    if (down) {
      future.setException(down);
      this.#jobs.counts.failed++;
      return future;
    }
    this.#jobs.track(entry);
    this.#sender.add(entry);
    return future;
  }

  // ---- by id ----------------------------------------------------------------------------

  /**
   * A future for a job submitted earlier (by this or another, perhaps restarted, producer):
   * `ex.future(f.jobId)`. It settles from the job's result while BullMQ keeps the job
   * (`removeOnComplete`); a job that no longer exists rejects the future.
   */
  future<T = unknown>(jobId: string): QueueFuture<T> {
    if (this.#shutdown) throw new ShutdownError();
    if (typeof jobId !== "string" || jobId === "") throw new TypeError("future(jobId): jobId must be a non-empty string");
    const jobs = this.#jobs;
    const existing = jobs.get(jobId);
    if (existing) return existing.future as QueueFuture<T>;
    const future = new QueueFuture<T>(jobId);
    const entry = newEntry(future as QueueFuture<unknown>, false, "added");
    jobs.track(entry);
    // Subscribe first, then read the job: an outcome written in between arrives as an event.
    void this.#ready
      .then(async () => {
        const job = await this.#queue.getJob(jobId);
        if (future.done()) return;
        if (!job) {
          entry.where = "gone";
          jobs.fail(entry, new Error(`job ${jobId} is not in queue "${this.#opts.queue}": it never existed, or was removed (removeOnComplete/removeOnFail)`));
          return;
        }
        entry.chunk = job.name === "chunk";
        const state = await job.getState();
        if (future.done()) return;
        if (state === "completed") jobs.onCompleted(jobId, job.returnvalue as Json);
        else if (state === "failed") await jobs.onFailed(jobId, job.failedReason);
        else if (state === "active") jobs.onActive(jobId);
      })
      .catch((error: unknown) => {
        if (!future.done()) jobs.fail(entry, error);
      });
    return future;
  }

  // ---- lifecycle ------------------------------------------------------------------------

  async shutdown(options?: ShutdownOptions): Promise<void> {
    checkOptions(options, ["wait", "cancelFutures"], "shutdown");
    const wait = options?.wait ?? true;
    this.#shutdown = true;
    if (options?.cancelFutures) this.#jobs.cancelAll();
    const closed = (this.#closed ??= this.#close());
    if (wait) await closed;
  }

  async #close(): Promise<void> {
    // Let every call finish (or fail: the watchdog bounds a lost Redis), then let go of Redis.
    await this.#jobs.drained();
    this.#watchdog.close();
    if (this.#watchdog.down !== undefined) {
      // Redis is unreachable: BullMQ's close would wait for it. Mark the BullMQ objects
      // closing first (else QueueEvents answers the dropped socket with a 5 s retry
      // delay that keeps the process alive), then drop the sockets.
      void this.#events?.close().catch(() => {});
      void this.#queue.close().catch(() => {});
      for (const c of this.#clients) drop(c);
      return;
    }
    await Promise.race([
      (async () => {
        await this.#ready.catch(() => {});
        await this.#events?.close().catch(() => {});
        await this.#queue.close().catch(() => {});
        await Promise.all(this.#clients.map((c) => c.quit().catch(() => {})));
      })(),
      new Promise((resolve) => (setTimeout(resolve, 2000) as { unref?: () => void }).unref?.()),
    ]);
    for (const c of this.#clients) drop(c);
  }

  /** Counters and latency percentiles. `limit` is Infinity: the producer does not cap what is in flight. */
  stats(): ExecutorStats {
    return this.#jobs.stats();
  }
}
