// QueueExecutor: the producer side. Each call (or map chunk) is one BullMQ job with an id of
// our own (`<executor id>-<n>`), so a future is matched to its job before Redis answers the
// add, and several executors on one queue never take each other's results. One QueueEvents
// stream reader per executor turns BullMQ's `active`, `completed` and `failed` events into
// future state; Dask's `Client.get_executor()` does the same with its scheduler's
// "key finished" messages.
import { Queue, QueueEvents, type JobsOptions, type KeepJobs as BullKeepJobs } from "bullmq";
import type { Redis } from "ioredis";
import {
  CancelledError,
  checkStreamOptions,
  Executor,
  Future,
  ShutdownError,
  StreamBuffer,
  WorkerExitedError,
  type ExecutorStats,
  type ShutdownOptions,
  type StreamOptions,
  type StreamReturn,
  type StreamSource,
  type StreamYield,
  type SubmitOptions,
  type Task,
  type TaskStream,
} from "@concurrent/core";
import { abortOn, checkInteger, checkOptions, checkSubmitOptions, checkTimeout, ChunkError, ExecutorCounters } from "@concurrent/core/kit";
import { decode, type Json } from "./codec.js";
import { checkConnection, connect, describeConnection, drop, RedisConnectionError, Watchdog, type Connection } from "./connection.js";
import { abortChannel, abortMessage } from "./abort.js";
import { encodePayload, readWireError, signPayload, taskRef, type CallLimits, type JobData, type Payload } from "./envelope.js";
import { checkQueueName, checkSecret } from "./options.js";
import { StreamReader, streamKeys, type StreamEnd, type StreamOutcome } from "./stream.js";

/** How long BullMQ keeps a finished job (its result readable by id): BullMQ's `KeepJobs`. */
export type KeepJobs = boolean | number | BullKeepJobs;

/** Options of {@link QueueExecutor}. */
export interface QueueExecutorOptions {
  /** A `redis://` / `rediss://` URL (user and password may be in it), or ioredis options. */
  connection: Connection;
  /** The BullMQ queue name; workers started with the same name run the tasks. */
  queue: string;
  /** Sign every job with HMAC-SHA256 under this secret; workers with the same secret verify it. @default none */
  secret?: string;
  /** ms Redis may be unreachable (at start, or after losing it) before pending futures fail. @default 10000 */
  connectTimeout?: number;
  /** How many times a task is tried in all when it throws (BullMQ `attempts`). @default 1 (no retries) */
  attempts?: number;
  /** Delay between retries: ms (fixed), or BullMQ's `{ type: "fixed" | "exponential", delay }`. @default 0 */
  backoff?: number | { type: "fixed" | "exponential"; delay: number };
  /** Keep completed jobs (and so their results, for {@link QueueExecutor.future}): BullMQ's `KeepJobs`. @default { age: 3600, count: 10000 } (an hour, at most 10 000 jobs) */
  removeOnComplete?: KeepJobs;
  /** Keep failed jobs. @default { age: 86400, count: 10000 } (a day, at most 10 000 jobs) */
  removeOnFail?: KeepJobs;
  /** BullMQ key prefix. @default "bull" */
  prefix?: string;
}

const KNOWN = ["connection", "queue", "secret", "connectTimeout", "attempts", "backoff", "removeOnComplete", "removeOnFail", "prefix"] as const;

/** A future of a {@link QueueExecutor}: a core `Future` that knows its BullMQ job id. */
export class QueueFuture<T = unknown> extends Future<T> {
  constructor(readonly jobId: string) {
    super();
  }
}

interface Entry {
  future: QueueFuture<unknown>;
  chunk: boolean;
  /** "new": not yet sent to Redis; "added": in Redis; "gone": removed, or the add failed. */
  where: "new" | "added" | "gone";
  submitted: number;
  started?: number;
  payload?: string | undefined;
  /** When this process last heard of the job (an event, or a sweep). */
  heard: number;
  /** Sweeps that found no job in Redis. */
  missing: number;
  /** Cancelled or aborted here: the job must not run. */
  abandoned?: boolean;
  /** Submitted with submitWith: a worker holding it is told of an abort (see abort.ts). */
  abortable?: boolean;
  reason?: unknown;
  /** Its abort was published. */
  published?: boolean;
  /** A stream job: its reader (values from Redis into the consumer's buffer). */
  stream?: StreamReader;
}

const STALLED = /stalled more than allowable limit/;
/** ms without news of a job before it is looked up directly (see #sweep). */
let SWEEP_MS = 5000;

/** @internal For tests: how long a job may go unheard of before the sweep reads it. */
export function _setSweepInterval(ms: number): void {
  SWEEP_MS = ms;
}

function checkBackoff(backoff: unknown): void {
  if (backoff === undefined) return;
  if (typeof backoff === "number") {
    if (!(backoff >= 0)) throw new RangeError(`QueueExecutor backoff must be ≥ 0 ms, got ${backoff}`);
    return;
  }
  const b = backoff as { type?: unknown; delay?: unknown } | null;
  if (b === null || typeof b !== "object" || (b.type !== "fixed" && b.type !== "exponential") || typeof b.delay !== "number" || !(b.delay >= 0)) {
    throw new TypeError('QueueExecutor backoff must be ms, or { type: "fixed" | "exponential", delay: ms }');
  }
}

function randomId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("");
}

/**
 * An {@link Executor} whose tasks run on `QueueWorker`s anywhere, through a BullMQ queue.
 * Execution is at-least-once: a task whose worker dies runs again on another.
 */
export class QueueExecutor extends Executor {
  readonly id = randomId();
  readonly #opts: QueueExecutorOptions;
  readonly #where: string;
  readonly #clients: Redis[] = [];
  readonly #queue: Queue;
  readonly #producer: Redis;
  #events: QueueEvents | undefined;
  readonly #ready: Promise<void>;
  readonly #watchdog: Watchdog;
  readonly #jobs = new Map<string, Entry>();
  readonly #jobOptions: JobsOptions;
  #seq = 0;
  #batch: Entry[] = [];
  #flushing = false;
  #shutdown = false;
  #closed: Promise<void> | undefined;
  readonly #removals = new Set<Promise<unknown>>();
  readonly #counts = new ExecutorCounters();
  #idle: (() => void) | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: QueueExecutorOptions) {
    super();
    checkOptions(options, KNOWN, "QueueExecutor");
    const connection = checkConnection(options.connection, "QueueExecutor");
    checkQueueName(options.queue, "QueueExecutor");
    checkSecret(options.secret, "QueueExecutor");
    if (options.connectTimeout !== undefined) checkTimeout(options.connectTimeout, "QueueExecutor connectTimeout");
    if (options.attempts !== undefined) checkInteger(options.attempts, "QueueExecutor attempts", 1);
    checkBackoff(options.backoff);
    this.#opts = options;
    this.#where = `QueueExecutor(${describeConnection(connection)}, queue "${options.queue}")`;
    const backoff = options.backoff;
    this.#jobOptions = {
      attempts: options.attempts ?? 1,
      ...(backoff === undefined ? {} : { backoff: typeof backoff === "number" ? { type: "fixed", delay: backoff } : backoff }),
      removeOnComplete: options.removeOnComplete ?? { age: 3600, count: 10_000 },
      removeOnFail: options.removeOnFail ?? { age: 86400, count: 10_000 },
      // Only the last attempt's error is read back.
      stackTraceLimit: 1,
    };
    this.#watchdog = new Watchdog(options.connectTimeout ?? 10_000, this.#where, (error) => this.#failAll(error));
    const client = (this.#producer = this.#client(connection, "producer"));
    const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
    this.#queue = new Queue(options.queue, { connection: client, ...prefix, streams: { events: { maxLen: 100_000 } } });
    this.#queue.on("error", () => {});
    this.#ready = this.#subscribe(connection, client, prefix);
    this.#ready.catch(() => {});
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
    events.on("error", () => {});
    events.on("active", ({ jobId }) => this.#onActive(jobId));
    events.on("completed", ({ jobId, returnvalue }) => this.#onCompleted(jobId, returnvalue as unknown as Json));
    events.on("failed", ({ jobId, failedReason }) => void this.#onFailed(jobId, failedReason));
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
    // here until a worker takes the job, and there for the rest (see worker.ts). JSON has no
    // Infinity: "none" is left out.
    const limits: CallLimits = {};
    if (options.timeout !== undefined && options.timeout !== Infinity) limits.t = options.timeout;
    if (options.grace !== undefined && options.grace !== Infinity) limits.g = options.grace;
    if (options.queueTimeout !== undefined && options.queueTimeout !== Infinity) limits.q = options.queueTimeout;
    const future = this.#submit(fn, args, undefined, limits) as QueueFuture<Awaited<R>>;
    const abort = (reason: unknown): void => {
      if (future.done()) return;
      const entry = this.#jobs.get(future.jobId);
      if (entry) this.#counts.failed++;
      // A worker holds it: tell it now, not after the removal below fails.
      if (entry && future.state === "running" && entry.where === "added") void this.#publishAbort(entry, reason);
      if (future.state === "pending") future.setRunningOrNotifyCancel();
      future.setException(reason);
      // Still in the batch: #flush skips it. In Redis: take it out, or (a worker holds it)
      // tell the worker, whose task hears it through currentSignal().
      if (entry) {
        entry.reason = reason;
        void this.#remove(entry);
      }
    };
    const entry = this.#jobs.get(future.jobId);
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
  override streamWith<A extends unknown[], T extends StreamSource>(
    options: StreamOptions,
    fn: Task<A, T>,
    ...args: A
  ): TaskStream<StreamYield<T>, StreamReturn<T>> {
    const highWaterMark = checkStreamOptions(options);
    // The worker applies the run-time timeout and grace (as submitWith's); a signal or
    // queueTimeout closes the stream from here.
    const limits: CallLimits = {};
    if (options.timeout !== undefined && options.timeout !== Infinity) limits.t = options.timeout;
    if (options.grace !== undefined && options.grace !== Infinity) limits.g = options.grace;
    const future = this.#submit(fn, args, undefined, limits, highWaterMark);
    const entry = this.#jobs.get(future.jobId);
    const reader = new StreamReader(this.#producer, streamKeys(this.#queue.toKey(future.jobId)), (outcome) => this.#settleStream(future, outcome));
    const stream = new StreamBuffer<unknown, unknown>(future, highWaterMark, {
      grant: (n) => reader.grant(n),
      close: (reason) => {
        if (future.done()) return;
        if (future.state === "pending" && reason instanceof CancelledError) future.cancel();
        else if (future.state === "pending") {
          this.#counts.failed++;
          future.setException(reason);
          if (entry) void this.#remove(entry);
        } else reader.close();
      },
    });
    reader.buffer = stream;
    if (entry) entry.stream = reader;
    // As submitWith (a signal rejects with CancelledError, its reason as cause), but a
    // running stream is closed on its worker, and settles once the worker confirms it.
    const { signal, queueTimeout } = options;
    if (signal !== undefined) abortOn(future, { signal }, (reason) => stream.abort(new CancelledError("the stream's signal aborted", { cause: reason })));
    if (queueTimeout !== undefined) abortOn(future, { queueTimeout }, (reason) => stream.abort(reason));
    return stream as unknown as TaskStream<StreamYield<T>, StreamReturn<T>>;
  }

  #settleStream(future: QueueFuture<unknown>, outcome: StreamOutcome): void {
    const entry = this.#jobs.get(future.jobId);
    if (future.done() || !entry) return;
    if ("closed" in outcome) {
      const reason = entry.stream?.buffer.closeReason ?? new CancelledError("the stream was closed");
      this.#finish(entry);
      if (reason instanceof CancelledError) this.#counts.cancelled++;
      else this.#counts.failed++;
      future.setException(reason);
    } else if (outcome.ok) {
      this.#finish(entry);
      this.#counts.completed++;
      future.setResult(outcome.value);
    } else this.#fail(entry, outcome.error);
  }

  /** @internal map's chunk: one job for all `items`. */
  override _submitChunk(fn: Task<[unknown], unknown>, items: unknown[]): Future<unknown[]> {
    return this.#submit(fn, undefined, items) as Future<unknown[]>;
  }

  #submit(fn: unknown, args: unknown[] | undefined, items: unknown[] | undefined, limits?: CallLimits, highWaterMark?: number): QueueFuture<unknown> {
    if (this.#shutdown) throw new ShutdownError();
    const task = taskRef(fn);
    const jobId = `${this.id}-${++this.#seq}`;
    const future = new QueueFuture<unknown>(jobId);
    const now = performance.now();
    const entry: Entry = { future, chunk: items !== undefined, where: "new", submitted: now, heard: now, missing: 0 };
    try {
      entry.payload = encodePayload(task, args, items, limits, highWaterMark);
    } catch (error) {
      // An argument the codec cannot carry fails this future at once, and nothing else.
      future.setException(error);
      this.#counts.failed++;
      return future;
    }
    const down = this.#watchdog.down;
    if (down) {
      future.setException(down);
      this.#counts.failed++;
      return future;
    }
    this.#track(entry);
    this.#batch.push(entry);
    if (this.#batch.length === 1) queueMicrotask(() => void this.#flush());
    return future;
  }

  #track(entry: Entry): void {
    this.#jobs.set(entry.future.jobId, entry);
    if (this.#sweeper === undefined) {
      this.#sweeper = setInterval(() => void this.#sweep().catch(() => {}), SWEEP_MS);
      (this.#sweeper as { unref?: () => void }).unref?.();
    }
    const f = entry.future;
    f.addDoneCallback(() => {
      this.#jobs.delete(f.jobId);
      if (f.cancelled()) {
        this.#counts.cancelled++;
        void this.#remove(entry);
      }
      if (this.#idle && this.#jobs.size === 0) this.#idle();
    });
  }

  // Calls submitted in one tick go to Redis in one round trip (BullMQ's addBulk is one MULTI).
  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      await this.#ready;
      while (this.#batch.length > 0) {
        const batch = this.#batch.filter((e) => !e.future.done());
        this.#batch = [];
        if (batch.length === 0) continue;
        const secret = this.#opts.secret;
        const data = secret === undefined ? batch.map((e) => ({ p: e.payload! })) : await Promise.all(batch.map((e) => signPayload(e.payload!, secret)));
        const streams = batch.filter((e) => e.stream !== undefined);
        if (streams.length > 0) await Promise.all(streams.map((e) => e.stream!.open()));
        const jobs = batch.map((e, i) => ({
          name: e.chunk ? "chunk" : e.stream ? "stream" : "call",
          data: data[i] as JobData,
          opts: { ...this.#jobOptions, jobId: e.future.jobId },
        }));
        try {
          await this.#queue.addBulk(jobs);
          for (const e of batch) {
            e.payload = undefined;
            if (e.where === "new") e.where = "added";
            // Cancelled or aborted while the add was on its way: take it back out.
            if (e.abandoned) void this.#remove(e);
            else if (e.stream) void e.stream.run();
          }
        } catch (error) {
          const wrapped = this.#redisError(error);
          for (const e of batch) {
            e.where = "gone";
            if (!e.future.done()) this.#fail(e, wrapped);
          }
        }
      }
    } catch (error) {
      const wrapped = this.#redisError(error);
      for (const e of this.#batch) if (!e.future.done()) this.#fail(e, wrapped);
      this.#batch = [];
    } finally {
      this.#flushing = false;
    }
  }

  // A Redis error while sending jobs (wrong password, no permission, out of memory) fails
  // the calls with an error that says where it came from; the connection error of the
  // watchdog is already one.
  #redisError(error: unknown): unknown {
    if (error instanceof RedisConnectionError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new RedisConnectionError(`${this.#where}: Redis refused the job: ${message}`, { cause: error });
  }

  #remove(entry: Entry): Promise<unknown> {
    entry.abandoned = true;
    if (entry.where !== "added") return Promise.resolve();
    entry.where = "gone";
    // 0 means a worker holds the job: it runs, and its result is dropped (the future is done);
    // a job submitted with submitWith is aborted there too (abort.ts).
    const jobId = entry.future.jobId;
    const removal = this.#queue
      .remove(jobId)
      .catch(() => 0)
      .then(async (removed) => {
        if (removed === 0) await this.#publishAbort(entry, entry.reason ?? new CancelledError());
        return removed;
      });
    this.#removals.add(removal);
    void removal.finally(() => this.#removals.delete(removal));
    return removal;
  }

  #publishAbort(entry: Entry, reason: unknown): Promise<unknown> {
    if (!entry.abortable || entry.published) return Promise.resolve();
    entry.published = true;
    const message = abortMessage(entry.future.jobId, reason);
    return this.#producer.publish(abortChannel(this.#opts.prefix, this.#opts.queue), message).catch(() => 0);
  }

  // ---- events ---------------------------------------------------------------------------

  #onActive(jobId: string): void {
    const entry = this.#jobs.get(jobId);
    if (!entry || entry.future.state !== "pending") return;
    entry.heard = performance.now();
    if (entry.future.setRunningOrNotifyCancel()) {
      entry.started = performance.now();
      this.#counts.waitTime.record(entry.started - entry.submitted);
    }
  }

  #onCompleted(jobId: string, returnvalue: Json): void {
    const entry = this.#jobs.get(jobId);
    if (!entry || entry.future.done()) return;
    if (entry.stream) {
      entry.stream.ended(returnvalue as unknown as StreamEnd);
      return;
    }
    let value: unknown;
    try {
      value = entry.chunk ? (returnvalue as Json[]).map(decode) : decode(returnvalue);
    } catch (error) {
      this.#fail(entry, error);
      return;
    }
    this.#finish(entry);
    this.#counts.completed++;
    entry.future.setResult(value);
  }

  async #onFailed(jobId: string, failedReason: string): Promise<void> {
    const entry = this.#jobs.get(jobId);
    if (!entry || entry.future.done()) return;
    let error: unknown;
    if (STALLED.test(failedReason)) {
      error = new WorkerExitedError(
        `job ${jobId}: the worker running it died (lost its lock) more often than maxStalledCount allows; ${failedReason}`,
      );
    } else {
      try {
        const raw = await this.#producer.hget(this.#queue.toKey(jobId), "stacktrace");
        const traces = raw ? (JSON.parse(raw) as unknown[]) : [];
        const wire = readWireError(traces[traces.length - 1]);
        if (wire) error = wire.before !== undefined && entry.chunk ? new ChunkError(wire.before, wire.error) : wire.error;
      } catch {
        // The job is gone (removeOnFail: true): only BullMQ's reason is left.
      }
      error ??= new Error(failedReason);
    }
    if (entry.future.done()) return;
    if (entry.stream) entry.stream.ended({ error });
    else this.#fail(entry, error);
  }

  // A safety net under the event stream: BullMQ trims it (to `maxLen`), so a reader that
  // fell far behind, or was disconnected for long, could miss an outcome. Jobs not heard of
  // for SWEEP_MS are read from their hashes, a few hundred per pass, in one pipeline.
  async #sweep(): Promise<void> {
    const now = performance.now();
    const stale: Entry[] = [];
    for (const e of this.#jobs.values()) {
      if (e.where === "added" && !e.future.done() && now - e.heard > SWEEP_MS) {
        stale.push(e);
        if (stale.length >= 500) break;
      }
    }
    if (stale.length === 0 || this.#watchdog.down) return;
    const pipeline = this.#producer.pipeline();
    for (const e of stale) pipeline.hmget(this.#queue.toKey(e.future.jobId), "finishedOn", "returnvalue", "failedReason", "processedOn", "timestamp");
    const replies = (await pipeline.exec()) ?? [];
    stale.forEach((e, i) => {
      const [error, fields] = replies[i] ?? [new Error("no reply"), null];
      if (error || e.future.done()) return;
      const [finishedOn = null, returnvalue = null, failedReason = null, processedOn = null, timestamp = null] = fields as (string | null)[];
      e.heard = performance.now();
      const jobId = e.future.jobId;
      if (finishedOn !== null && returnvalue !== null) this.#onCompleted(jobId, JSON.parse(returnvalue) as Json);
      else if (finishedOn !== null) void this.#onFailed(jobId, failedReason ?? "failed");
      else if (processedOn !== null) this.#onActive(jobId);
      else if (timestamp === null && ++e.missing >= 2) {
        this.#fail(e, new Error(`job ${jobId} is no longer in Redis and its outcome was not seen (removed by another client?)`));
      }
    });
  }

  #finish(entry: Entry): void {
    if (entry.started !== undefined) this.#counts.runTime.record(performance.now() - entry.started);
    if (entry.future.state === "pending") entry.future.setRunningOrNotifyCancel();
  }

  #fail(entry: Entry, error: unknown): void {
    this.#finish(entry);
    this.#counts.failed++;
    if (!entry.future.done()) entry.future.setException(error);
  }

  #failAll(error: Error): void {
    for (const entry of [...this.#jobs.values()]) if (!entry.future.done()) this.#fail(entry, error);
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
    const existing = this.#jobs.get(jobId);
    if (existing) return existing.future as QueueFuture<T>;
    const future = new QueueFuture<T>(jobId);
    const now = performance.now();
    const entry: Entry = { future: future as QueueFuture<unknown>, chunk: false, where: "added", submitted: now, heard: now, missing: 0 };
    this.#track(entry);
    // Subscribe first, then read the job: an outcome written in between arrives as an event.
    void this.#ready
      .then(async () => {
        const job = await this.#queue.getJob(jobId);
        if (future.done()) return;
        if (!job) {
          entry.where = "gone";
          this.#fail(entry, new Error(`job ${jobId} is not in queue "${this.#opts.queue}": it never existed, or was removed (removeOnComplete/removeOnFail)`));
          return;
        }
        entry.chunk = job.name === "chunk";
        const state = await job.getState();
        if (future.done()) return;
        if (state === "completed") this.#onCompleted(jobId, job.returnvalue as Json);
        else if (state === "failed") await this.#onFailed(jobId, job.failedReason);
        else if (state === "active") this.#onActive(jobId);
      })
      .catch((error: unknown) => {
        if (!future.done()) this.#fail(entry, error);
      });
    return future;
  }

  // ---- lifecycle ------------------------------------------------------------------------

  async shutdown(options?: ShutdownOptions): Promise<void> {
    checkOptions(options, ["wait", "cancelFutures"], "shutdown");
    const wait = options?.wait ?? true;
    this.#shutdown = true;
    if (options?.cancelFutures) {
      for (const entry of [...this.#jobs.values()]) entry.future.cancel();
    }
    const closed = (this.#closed ??= this.#close());
    if (wait) await closed;
  }

  async #close(): Promise<void> {
    // Let every call finish (or fail: the watchdog bounds a lost Redis), then let go of Redis.
    if (this.#jobs.size > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await Promise.all([...this.#removals]);
    this.#watchdog.close();
    if (this.#sweeper) clearInterval(this.#sweeper);
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
    let inFlight = 0;
    let queued = 0;
    for (const e of this.#jobs.values()) {
      if (e.future.state === "running") inFlight++;
      else if (e.future.state === "pending") queued++;
    }
    return this.#counts.stats(Infinity, inFlight, queued);
  }
}
