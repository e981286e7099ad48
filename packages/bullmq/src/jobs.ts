// The producer's job table: each submitted job's future, and what moves it. BullMQ's events
// (`active`, `completed`, `failed`, read by the executor's QueueEvents) and the sweep that
// reads a job's hash when its events stop coming both land here, and here the future is
// settled and counted (core's ExecutorCounters). Cancelling or aborting takes a job back out
// of Redis, or tells the worker holding it (abort.ts).
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { CancelledError, Future, WorkerExitedError, type ExecutorStats } from "@concurrent/core";
import { ChunkError, ExecutorCounters } from "@concurrent/core/kit";
import { decode, type Json } from "./codec.js";
import type { Watchdog } from "./connection.js";
import { abortMessage } from "./abort.js";
import { readWireError } from "./envelope.js";
import type { StreamEnd, StreamOutcome, StreamReader } from "./stream.js";

/** A future of a {@link QueueExecutor}: a core `Future` that knows its BullMQ job id. */
export class QueueFuture<T = unknown> extends Future<T> {
  constructor(readonly jobId: string) {
    super();
  }
}

export interface Entry {
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

/** A new entry for `future`, not yet in Redis unless `where` says so. */
export function newEntry(future: QueueFuture<unknown>, chunk: boolean, where: Entry["where"]): Entry {
  const now = performance.now();
  return { future, chunk, where, submitted: now, heard: now, missing: 0 };
}

const STALLED = /stalled more than allowable limit/;
/** ms without news of a job before it is looked up directly (see #sweep). */
let SWEEP_MS = 5000;

/** @internal For tests: how long a job may go unheard of before the sweep reads it. */
export function _setSweepInterval(ms: number): void {
  SWEEP_MS = ms;
}

/** Where the table reads and removes jobs: the executor's queue and its producer connection. */
export interface JobStore {
  queue: Queue;
  producer: Redis;
  watchdog: Watchdog;
  /** The pub/sub channel the queue's workers hear aborts on. */
  abortChannel: string;
}

export class JobTable {
  readonly counts = new ExecutorCounters();
  readonly #jobs = new Map<string, Entry>();
  readonly #removals = new Set<Promise<unknown>>();
  readonly #store: JobStore;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #idle: (() => void) | undefined;

  constructor(store: JobStore) {
    this.#store = store;
  }

  get(jobId: string): Entry | undefined {
    return this.#jobs.get(jobId);
  }

  track(entry: Entry): void {
    this.#jobs.set(entry.future.jobId, entry);
    if (this.#sweeper === undefined) {
      this.#sweeper = setInterval(() => void this.#sweep().catch(() => {}), SWEEP_MS);
      (this.#sweeper as { unref?: () => void }).unref?.();
    }
    const f = entry.future;
    f.addDoneCallback(() => {
      this.#jobs.delete(f.jobId);
      if (f.cancelled()) {
        this.counts.cancelled++;
        void this.remove(entry);
      }
      if (this.#idle && this.#jobs.size === 0) this.#idle();
    });
  }

  /** Take a job out of Redis; one a worker already holds runs on, and hears of an abort. */
  remove(entry: Entry): Promise<unknown> {
    entry.abandoned = true;
    if (entry.where !== "added") return Promise.resolve();
    entry.where = "gone";
    // 0 means a worker holds the job: it runs, and its result is dropped (the future is done);
    // a job submitted with submitWith is aborted there too (abort.ts).
    const jobId = entry.future.jobId;
    const removal = this.#store.queue
      .remove(jobId)
      .catch(() => 0)
      .then(async (removed) => {
        if (removed === 0) await this.publishAbort(entry, entry.reason ?? new CancelledError());
        return removed;
      });
    this.#removals.add(removal);
    void removal.finally(() => this.#removals.delete(removal));
    return removal;
  }

  publishAbort(entry: Entry, reason: unknown): Promise<unknown> {
    if (!entry.abortable || entry.published) return Promise.resolve();
    entry.published = true;
    return this.#store.producer.publish(this.#store.abortChannel, abortMessage(entry.future.jobId, reason)).catch(() => 0);
  }

  // ---- events ---------------------------------------------------------------------------

  onActive(jobId: string): void {
    const entry = this.#jobs.get(jobId);
    if (!entry || entry.future.state !== "pending") return;
    entry.heard = performance.now();
    if (entry.future.setRunningOrNotifyCancel()) {
      entry.started = performance.now();
      this.counts.waitTime.record(entry.started - entry.submitted);
    }
  }

  onCompleted(jobId: string, returnvalue: Json): void {
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
      this.fail(entry, error);
      return;
    }
    this.#finish(entry);
    this.counts.completed++;
    entry.future.setResult(value);
  }

  async onFailed(jobId: string, failedReason: string): Promise<void> {
    const entry = this.#jobs.get(jobId);
    if (!entry || entry.future.done()) return;
    let error: unknown;
    if (STALLED.test(failedReason)) {
      error = new WorkerExitedError(
        `job ${jobId}: the worker running it died (lost its lock) more often than maxStalledCount allows; ${failedReason}`,
      );
    } else {
      try {
        const raw = await this.#store.producer.hget(this.#store.queue.toKey(jobId), "stacktrace");
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
    else this.fail(entry, error);
  }

  /** A stream job's reader is done: settle its future. */
  onStreamOutcome(future: QueueFuture<unknown>, outcome: StreamOutcome): void {
    const entry = this.#jobs.get(future.jobId);
    if (future.done() || !entry) return;
    if ("closed" in outcome) {
      const reason = entry.stream?.buffer.closeReason ?? new CancelledError("the stream was closed");
      this.#finish(entry);
      if (reason instanceof CancelledError) this.counts.cancelled++;
      else this.counts.failed++;
      future.setException(reason);
    } else if (outcome.ok) {
      this.#finish(entry);
      this.counts.completed++;
      future.setResult(outcome.value);
    } else this.fail(entry, outcome.error);
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
    if (stale.length === 0 || this.#store.watchdog.down) return;
    const pipeline = this.#store.producer.pipeline();
    for (const e of stale) pipeline.hmget(this.#store.queue.toKey(e.future.jobId), "finishedOn", "returnvalue", "failedReason", "processedOn", "timestamp");
    const replies = (await pipeline.exec()) ?? [];
    stale.forEach((e, i) => {
      const [error, fields] = replies[i] ?? [new Error("no reply"), null];
      if (error || e.future.done()) return;
      const [finishedOn = null, returnvalue = null, failedReason = null, processedOn = null, timestamp = null] = fields as (string | null)[];
      e.heard = performance.now();
      const jobId = e.future.jobId;
      if (finishedOn !== null && returnvalue !== null) this.onCompleted(jobId, JSON.parse(returnvalue) as Json);
      else if (finishedOn !== null) void this.onFailed(jobId, failedReason ?? "failed");
      else if (processedOn !== null) this.onActive(jobId);
      else if (timestamp === null && ++e.missing >= 2) {
        this.fail(e, new Error(`job ${jobId} is no longer in Redis and its outcome was not seen (removed by another client?)`));
      }
    });
  }

  #finish(entry: Entry): void {
    if (entry.started !== undefined) this.counts.runTime.record(performance.now() - entry.started);
    if (entry.future.state === "pending") entry.future.setRunningOrNotifyCancel();
  }

  fail(entry: Entry, error: unknown): void {
    this.#finish(entry);
    this.counts.failed++;
    if (!entry.future.done()) entry.future.setException(error);
  }

  failAll(error: unknown): void {
    for (const entry of [...this.#jobs.values()]) if (!entry.future.done()) this.fail(entry, error);
  }

  cancelAll(): void {
    // Last submitted first (as map's early exit does, and CPython): a worker that frees up
    // while the removals travel takes the next job in line, never one whose removal is still
    // on its way — so a job is not run after its cancel() said true.
    const entries = [...this.#jobs.values()];
    for (let i = entries.length - 1; i >= 0; i--) entries[i]!.future.cancel();
  }

  /** Resolves once every job has settled and every removal has been answered; stops the sweep. */
  async drained(): Promise<void> {
    if (this.#jobs.size > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await Promise.all([...this.#removals]);
    if (this.#sweeper) clearInterval(this.#sweeper);
  }

  /** Counters and latency percentiles. `limit` is Infinity: the producer does not cap what is in flight. */
  stats(): ExecutorStats {
    let inFlight = 0;
    let queued = 0;
    for (const e of this.#jobs.values()) {
      if (e.future.state === "running") inFlight++;
      else if (e.future.state === "pending") queued++;
    }
    return this.counts.stats(Infinity, inFlight, queued);
  }
}
