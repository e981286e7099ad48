// QueueWorker: pulls jobs from a BullMQ queue and runs them in a WorkerPoolExecutor, so a
// CPU-bound task uses every core and never blocks the event loop that renews BullMQ's locks.
//
// BullMQ's `concurrency` is how many jobs this process holds at once. It is kept above
// `maxWorkers` (prefetch) so each pool thread has the next task queued while it runs one —
// tiny tasks then cost a Redis round trip each only in throughput, not in latency — but
// scaled down for long tasks, so one worker does not hoard jobs that idle workers elsewhere
// could run.
import { setImmediate } from "node:timers";
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { TimeoutError, UntrustedTaskError, taskModule, type Executor, type Task } from "@concurrent/core";
import { compileFunction } from "@concurrent/core/kit";
import { encode, type Json } from "./codec.js";
import { connect, describeConnection, drop, Watchdog } from "./connection.js";
import { AbortListener, abortChannel } from "./abort.js";
import { decodeArgs, openJobData, wireError, type CallLimits, type Payload } from "./envelope.js";
import { checkWorkerOptions, type QueueWorkerOptions } from "./options.js";
import { checkModule } from "./trust.js";
import { runStreamJob, streamKeys } from "./stream.js";

type Fn = (...args: unknown[]) => unknown;

// BullMQ fills free slots one sequential moveToActive round trip each when jobs arrive on a
// dry queue (a slot freed by a finishing job refills with its moveToFinished): slots beyond
// what feeds the threads cost a round trip per burst. A burst of 300 tiny tasks: 0.44
// moveToActive per task with 128 extra, 0.17 with 48 (raw BullMQ, concurrency 50: 0.17).
const PREFETCH_CAP = 48;

/** Pulls tasks from a queue and runs them; `await worker.close()` lets running tasks finish, then stops. */
export class QueueWorker {
  readonly #opts: QueueWorkerOptions;
  readonly #where: string;
  readonly #clients: Redis[] = [];
  readonly #watchdog: Watchdog;
  readonly #worker: Worker;
  readonly #pool: Promise<Executor>;
  readonly #ownPool: boolean;
  readonly #maxWorkers: Promise<number>;
  readonly #auto: boolean;
  // Function tasks by source: one function object per source, so the pool compiles it once per thread.
  readonly #functions = new Map<string, Fn>();
  #runs = 0;
  #tunedAt = 0;
  #nextTurn: Promise<void> | undefined;
  /** Calls handed to the pool and not yet settled; the pool's thread count, once known. */
  #inPool = 0;
  #threads = 1;
  #closing: Promise<void> | undefined;
  /** Aborts from producers (submitWith's signal, timeout), for the jobs running here. */
  readonly #aborts = new AbortListener();
  /** The jobs being processed here (until their task settles; writing the result is BullMQ's). */
  readonly #running = new Set<Promise<unknown>>();
  /** Jobs taken here whose outcome BullMQ has not yet written to Redis (no completed/failed event). */
  readonly #unwritten = new Set<string>();
  /** Resolves once connected to Redis and taking jobs; rejects after `connectTimeout` if Redis cannot be reached. */
  readonly ready: Promise<void>;
  /** Jobs run to completion / failed / refused by this worker. */
  readonly counts = { completed: 0, failed: 0, refused: 0 };

  constructor(options: QueueWorkerOptions) {
    const connection = checkWorkerOptions(options);
    this.#opts = options;
    this.#where = `QueueWorker(${describeConnection(connection)}, queue "${options.queue}")`;
    this.#ownPool = options.pool === undefined;
    this.#pool = options.pool ? Promise.resolve(options.pool) : makePool(options.maxWorkers);
    this.#pool.catch(() => {});
    this.#maxWorkers = this.#pool.then((p) => (this.#threads = p.stats().limit));
    this.#auto = options.concurrency === undefined;

    let rejectReady!: (error: Error) => void;
    const down = new Promise<never>((_, reject) => (rejectReady = reject));
    this.#watchdog = new Watchdog(options.connectTimeout ?? 10_000, this.#where, (error) => rejectReady(error));
    const client = connect(connection, `concurrent:worker:${options.queue}`);
    this.#clients.push(client);
    this.#watchdog.watch(client);
    const initial = options.concurrency ?? Math.max(2 * (options.maxWorkers ?? 4), 16);
    this.#worker = new Worker(options.queue, (job) => this.#track(job, this.#process(job)), {
      connection: client,
      concurrency: initial,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
      ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
      maxStalledCount: options.maxStalledCount ?? 1,
    });
    this.#worker.on("error", () => {});
    const written = (job: Job | undefined) => void (job?.id !== undefined && this.#unwritten.delete(job.id));
    this.#worker.on("completed", written);
    this.#worker.on("failed", written);
    const subscriber = connect(connection, `concurrent:worker-aborts:${options.queue}`);
    this.#clients.push(subscriber);
    this.#watchdog.watch(subscriber);
    const listening = this.#aborts.listen(subscriber, abortChannel(options.prefix, options.queue));
    const started = Promise.all([this.#worker.waitUntilReady(), listening, this.#pool]);
    this.ready = Promise.race([started.then(() => {}), down]).then(() => {
      this.#watchdog.close();
    });
    this.ready.catch(() => {});
  }

  #track<T>(job: Job, processing: Promise<T>): Promise<T> {
    if (job.id !== undefined) this.#unwritten.add(job.id);
    this.#running.add(processing);
    const done = () => void this.#running.delete(processing);
    processing.then(done, done);
    return processing;
  }

  async #process(job: Job): Promise<Json> {
    let payload: Payload;
    let fn: Task<unknown[], unknown>;
    try {
      payload = await openJobData(job.data, this.#opts.secret);
      fn = await this.#task(payload);
    } catch (error) {
      this.counts.refused++;
      throw wireError(error);
    }
    const pool = await this.#pool;
    try {
      let result: Json;
      if (payload.s !== undefined) {
        // A stream holds one pool slot until its consumer is done with it.
        this.#inPool++;
        try {
          const keys = streamKeys(this.#worker.toKey(job.id!));
          // The stream's signal, aborted from the producer's machine (abort.ts): its task
          // hears it through currentSignal().
          const controller = this.#aborts.start(job.id!);
          const limits: { timeout?: number; grace?: number } = {};
          if (payload.o?.t !== undefined) limits.timeout = payload.o.t;
          if (payload.o?.g !== undefined) limits.grace = payload.o.g;
          try {
            result = (await runStreamJob(this.#clients[0]!, keys, pool, fn, decodeArgs(payload.a ?? []), payload.s, limits, controller)) as unknown as Json;
          } finally {
            this.#aborts.done(job.id!);
          }
        } finally {
          this.#inPool--;
        }
      } else if (payload.a !== undefined) {
        const args = decodeArgs(payload.a);
        // A thread is free: go now. All busy: wait for the turn's other jobs and go together.
        if (this.#inPool >= this.#threads) await this.#turn();
        this.#inPool++;
        let value: unknown;
        try {
          value = payload.o === undefined ? await pool.submit(fn, ...args) : await this.#abortable(pool, job, payload.o, fn, args);
        } finally {
          this.#inPool--;
        }
        result = encode(value);
      } else {
        result = await this.#chunk(pool, fn as Task<[unknown], unknown>, decodeArgs(payload.c ?? []));
      }
      this.counts.completed++;
      return result;
    } catch (error) {
      this.counts.failed++;
      if (error instanceof ChunkFailure) throw wireError(error.error, error.before);
      throw wireError(error);
    } finally {
      // pool.stats() computes percentiles: after the first few jobs, tune at most every 250 ms.
      if (this.#auto && (++this.#runs <= 8 || performance.now() - this.#tunedAt >= 250)) {
        this.#tunedAt = performance.now();
        this.#tune(pool);
      }
    }
  }

  // A call submitted with submitWith: it runs under a signal the producer can abort from its
  // machine (abort.ts), with its run-time timeout and grace applied here, where it runs.
  // queueTimeout: what is left of it after the job's time in Redis (job.timestamp is the
  // producer's clock: across machines this assumes clocks in step, as BullMQ's delays do).
  async #abortable(pool: Executor, job: Job, limits: CallLimits, fn: Task<unknown[], unknown>, args: unknown[]): Promise<unknown> {
    const jobId = job.id!;
    const controller = this.#aborts.start(jobId);
    try {
      const options: { signal: AbortSignal; timeout?: number; grace?: number; queueTimeout?: number } = { signal: controller.signal };
      if (limits.t !== undefined) options.timeout = limits.t;
      if (limits.g !== undefined) options.grace = limits.g;
      if (limits.q !== undefined) {
        const left = limits.q - Math.max(0, Date.now() - job.timestamp);
        if (left <= 0) throw new TimeoutError(`the call did not start within its queueTimeout (${limits.q} ms)`);
        options.queueTimeout = left;
      }
      return await pool.submitWith(options, fn, ...args);
    } finally {
      this.#aborts.done(jobId);
    }
  }

  // The jobs BullMQ hands over in one turn of the event loop (each arrives on its own Redis
  // reply) go to the pool together, after the turn's I/O: the pool then sends them to its
  // threads in one message per thread instead of one per few jobs, which for tiny tasks is
  // most of the cost of running them off the event loop. Only while every thread is busy,
  // when the setImmediate it costs is time the task would have queued anyway.
  #turn(): Promise<void> {
    return (this.#nextTurn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.#nextTurn = undefined;
        resolve();
      }),
    ));
  }

  async #chunk(pool: Executor, fn: Task<[unknown], unknown>, items: unknown[]): Promise<Json> {
    const maxWorkers = await this.#maxWorkers;
    const chunksize = Math.max(1, Math.ceil(items.length / (maxWorkers * 4)));
    const out: Json[] = [];
    const before: unknown[] = [];
    const results = pool.map(fn, items, { chunksize });
    try {
      for await (const value of results) {
        before.push(value);
        out.push(encode(value));
      }
    } catch (error) {
      throw new ChunkFailure(before, error);
    }
    return out;
  }

  async #task(payload: Payload): Promise<Task<unknown[], unknown>> {
    const t = payload.t;
    if (t[0] === "f") {
      if (this.#opts.allowFunctions === false) {
        throw new UntrustedTaskError("this worker does not run function-source tasks (allowFunctions: false); submit a module task");
      }
      let fn = this.#functions.get(t[1]);
      if (!fn) {
        // The pool sends a function to its threads by its source text; rebuild the function
        // here (after the checks above) so it can. Cached, so each thread compiles it once.
        fn = compileFunction(t[1]);
        if (this.#functions.size >= 1000) this.#functions.clear();
        this.#functions.set(t[1], fn);
      }
      return fn;
    }
    const [, url, name] = t;
    const verdict = await checkModule(url, this.#opts);
    if (!verdict.ok) throw new UntrustedTaskError(verdict.reason);
    // The URL that was checked is the one imported, so the two cannot disagree.
    return (taskModule<Record<string, Fn>>(verdict.url) as Record<string, Task<unknown[], unknown>>)[name]!;
  }

  // Prefetch: hold about 50 ms of work beyond one task per thread, at least one extra job
  // per thread, and beyond that at most PREFETCH_CAP. The pool's own run time (not the time a
  // job spent queued here) decides, so more prefetch does not read as slower tasks.
  #tune(pool: Executor): void {
    if (this.#closing) return;
    const { limit: maxWorkers, runTime } = pool.stats();
    if (runTime.samples === 0) return;
    const extra = Math.max(maxWorkers, Math.min(PREFETCH_CAP, Math.round((maxWorkers * 50) / Math.max(runTime.p50, 0.01))));
    const target = maxWorkers + extra;
    if (this.#worker.concurrency !== target) this.#worker.concurrency = target;
  }

  /**
   * Stop taking jobs, let the running ones finish, then close the pool and Redis. Idempotent.
   * Resolves within `connectTimeout` ms after the running tasks finish, whether or not Redis
   * answers: a result Redis cannot take then is the queue's at-least-once business (the job
   * stalls and runs again elsewhere).
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#watchdog.close();
      const grace = this.#opts.connectTimeout ?? 10_000;
      // With Redis gone, BullMQ's close would wait for it: force it.
      const connected = this.#clients.every((c) => c.status === "ready");
      const closed = this.#worker.close(!connected).catch(() => {});
      // BullMQ's close also waits until Redis has taken the finished jobs' results, which
      // never happens once Redis is gone: while some are unwritten, wait for our tasks, then
      // give Redis `grace` ms.
      if (this.#unwritten.size === 0) await closed;
      else await Promise.race([closed, Promise.allSettled([...this.#running]).then(() => within(closed, grace))]);
      if (this.#ownPool) await (await this.#pool.catch(() => undefined))?.shutdown({ wait: true });
      // QUIT on a client that is not connected waits for a connection that may never come.
      await within(Promise.all(this.#clients.map((c) => (c.status === "ready" ? c.quit().catch(() => {}) : undefined))), grace);
      for (const c of this.#clients) drop(c);
    })();
    return this.#closing;
  }

  /** `await using worker = new QueueWorker(...)` closes it at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Resolves when `promise` settles or after `ms`, whichever is first (and clears its timer). */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise.then(() => {}, () => {}), late]).finally(() => clearTimeout(timer));
}

class ChunkFailure {
  constructor(
    readonly before: unknown[],
    readonly error: unknown,
  ) {}
}

async function makePool(maxWorkers: number | undefined): Promise<Executor> {
  const futures = (await import("@concurrent/futures")) as { WorkerPoolExecutor?: new (options?: { maxWorkers?: number }) => Executor };
  if (!futures.WorkerPoolExecutor) throw new Error("@concurrent/futures has no WorkerPoolExecutor");
  return new futures.WorkerPoolExecutor(maxWorkers === undefined ? {} : { maxWorkers });
}
