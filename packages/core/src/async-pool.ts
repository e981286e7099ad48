import { BrokenExecutorError, CancelledError, ShutdownError } from "./errors.js";
import { Executor, type ShutdownOptions, type SubmitOptions } from "./executor.js";
import { Future } from "./future.js";
import { Queue } from "./queue.js";
import { defaultCpuCount, unrefTimer } from "./runtime.js";
import { isThenable } from "./thenable.js";
import { ExecutorCounters, type ExecutorStats } from "./stats.js";
import { abortOn, armRunTimeout, checkSubmitOptions } from "./submit-options.js";
import { asyncContext, contextFor, setCurrentCall, useAsyncContext, type CallContext } from "./context.js";
import { createLimit, autoLimitDefaults, validateAutoLimitOptions, type AutoLimitOptions, type ConcurrencyLimit } from "./sizing/index.js";
import { checkKey, KeyedQueue, resolveKeyOptions, type KeyState, type KeyStats } from "./keys/index.js";
import { checkFunction, checkInteger, checkOptions, describeValue } from "./validate.js";
import { StreamBuffer } from "./stream/buffer.js";
import { LocalStream } from "./stream/local.js";
import { checkStreamOptions } from "./stream/options.js";
import type { StreamOptions, StreamReturn, StreamSource, StreamYield, TaskStream } from "./stream/task-stream.js";

/** Options of {@link AsyncPoolExecutor}. */
export interface AsyncPoolOptions {
  /**
   * How many calls may be in flight at once, or `"auto"`: the limit adapts to the
   * downstream, rising while throughput rises and latency stays near its floor, falling
   * when latency climbs or calls fail (see `autoLimit`).
   * @default Math.min(32, cpus + 4), Python's ThreadPoolExecutor default
   */
  maxWorkers?: number | "auto";
  /** Bounds and algorithm of `maxWorkers: "auto"` and `perKey: "auto"`. @default { initial: 4, min: 1, max: 1000, algorithm: "gradient" } */
  autoLimit?: AutoLimitOptions;
  /**
   * A limit per key, inside `maxWorkers`: a call's key is `submitWith({ key })`'s, `map`'s
   * `{ key }`, or `keyOf(...args)`; calls without one share the key `""`. A number fixes
   * each key's in-flight limit; `"auto"` gives each key its own adaptive limit (see
   * `maxWorkers`), so one slow downstream cannot take a healthy one's slots. When
   * `maxWorkers` holds calls back, keys take turns (round-robin, one call per turn). With
   * both `"auto"`, the keys adapt and `maxWorkers` is a ceiling of `autoLimit.max`.
   * @default undefined (one limit for every call)
   */
  perKey?: number | "auto";
  /** With `perKey`: the key of a call that gives none, from its arguments (e.g. a URL's host). */
  keyOf?: (...args: never[]) => string;
  /** With `perKey`: ms a key without calls is remembered (with what its limit learned). @default 60000 */
  keyIdleTimeout?: number;
  /** With `perKey`: the most keys without calls remembered at once; the longest idle go first. @default 1000 */
  maxIdleKeys?: number;
  /** Runs once, before the first call; if it throws, the executor is broken. */
  initializer?: (...args: never[]) => unknown;
  /** Arguments for `initializer`. @default [] */
  initArgs?: readonly unknown[];
}

const OPTIONS = ["maxWorkers", "autoLimit", "initializer", "initArgs", "perKey", "keyOf", "keyIdleTimeout", "maxIdleKeys"];

/** `submitWith` options of {@link AsyncPoolExecutor}: the common ones, and a `key` with `perKey`. */
export interface AsyncPoolSubmitOptions extends SubmitOptions {
  /** The key this call counts against (`perKey`); calls without one share the key `""`. */
  key?: string;
}

/** `stats()` of {@link AsyncPoolExecutor}: with `perKey`, also each key's figures. */
export interface AsyncPoolStats extends ExecutorStats {
  /** With `perKey`: every key remembered now (with calls, or idle and not yet forgotten). */
  keys?: Record<string, KeyStats>;
}

/** How often the auto-mode watchdog looks for a stalled downstream, ms. */
const WATCHDOG_MS = 50;

/**
 * A call waiting for, or holding, a slot. The future itself: no other per-call object. It is
 * also the call's context for currentSignal(): the AbortController is made only when the task
 * asks for its signal, so a plain submit allocates nothing for it.
 */
class AsyncTask<R> extends Future<R> implements CallContext {
  constructor(
    readonly fn: (...args: unknown[]) => unknown,
    readonly args: unknown[],
    readonly submittedAt: number,
  ) {
    super();
  }
  startedAt = 0;
  /**
   * Calls in flight when this one started, itself included, for the adaptive limit: the
   * pool's, or with perKey its key's (see KeyedQueue.start).
   */
  inFlightAtStart = 0;
  /** submitWith's options (its run-time timeout is armed when the call starts). */
  limits: SubmitOptions | undefined = undefined;
  #controller: AbortController | undefined = undefined;
  #aborted = false;
  #reason: unknown = undefined;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /**
   * A call cannot be stopped here (it shares this thread): its future rejects now, its signal
   * aborts, and its slot is freed only when the function itself returns, so the downstream
   * never sees more calls than the limit. A pending call never runs.
   */
  abort(reason: unknown): void {
    if (this.done()) return;
    if (this.state === "pending") this.setRunningOrNotifyCancel();
    this.#aborted = true;
    this.#reason = reason;
    this.setException(reason);
    this.#controller?.abort(reason);
  }
  /** With perKey: this call's key (set by KeyedQueue.push). */
  key: KeyState<AsyncTask<unknown>> | undefined = undefined;
}

/**
 * Python's `ThreadPoolExecutor` for the event loop: runs sync or async functions in this
 * thread, at most `maxWorkers` in flight. For IO-bound work (requests, queries, files);
 * for CPU-bound work use `WorkerPoolExecutor`.
 */
export class AsyncPoolExecutor extends Executor {
  #limit: number;
  readonly #auto: ConcurrencyLimit | undefined;
  readonly #queue: Queue<AsyncTask<unknown>> | KeyedQueue<AsyncTask<unknown>>;
  /** With perKey: the same object as #queue. Without, undefined, and nothing per call looks up a key. */
  readonly #keys: KeyedQueue<AsyncTask<unknown>> | undefined;
  /** A watchdog runs while calls are in flight: maxWorkers or perKey is "auto". */
  readonly #watched: boolean;
  #inFlight = 0;
  readonly #counts = new ExecutorCounters();
  #scheduled = false;
  #draining = false;
  #shutdown = false;
  #broken: BrokenExecutorError | undefined = undefined;
  #init: "none" | "pending" | "running" | "done";
  readonly #initializer: ((...args: unknown[]) => unknown) | undefined;
  readonly #initArgs: readonly unknown[];
  #idle: Promise<void> | undefined = undefined;
  #resolveIdle: (() => void) | undefined = undefined;
  readonly #drain = () => {
    this.#scheduled = false;
    this.#pump();
  };
  /** auto only: when a call last finished, or the first of a busy spell started. */
  #lastProgress = 0;
  /** auto only: the watchdog (one timer, armed only while calls are in flight). */
  #watchdog: ReturnType<typeof setTimeout> | undefined = undefined;
  #watchdogDue = 0;
  // A stalled downstream finishes no call, so it sends the limit no sample: the watchdog
  // tells it how long the pool has heard nothing (see ConcurrencyLimit.onStall).
  readonly #watch = () => {
    this.#watchdog = undefined;
    if (this.#inFlight === 0) return;
    const now = performance.now();
    // Fired late: this thread was busy, and finished calls may be waiting to be heard.
    if (now - this.#watchdogDue < WATCHDOG_MS / 2) {
      if (this.#auto !== undefined) {
        this.#auto.onStall(now, now - this.#lastProgress);
        this.#limit = this.#auto.limit;
      } else this.#keys!.watch(now);
    }
    this.#armWatchdog(now);
  };

  constructor(options?: AsyncPoolOptions) {
    super();
    checkOptions(options, OPTIONS, "AsyncPoolExecutor");
    const maxWorkers = options?.maxWorkers ?? Math.min(32, defaultCpuCount() + 4);
    const keys = resolveKeyOptions(options);
    const keysAdapt = keys?.perKey === "auto";
    if (options?.autoLimit !== undefined && maxWorkers !== "auto" && !keysAdapt) {
      throw new TypeError('AsyncPoolExecutor autoLimit applies only with maxWorkers: "auto" or perKey: "auto"');
    }
    if (keysAdapt) validateAutoLimitOptions(options?.autoLimit);
    if (maxWorkers === "auto" && keysAdapt) {
      // One adaptive layer: each key learns its own downstream. An overall limit fed by every
      // key's latency would read one slow key as overload of all (see keys/scheduler.ts).
      this.#auto = undefined;
      this.#limit = options?.autoLimit?.max ?? autoLimitDefaults.max;
    } else if (maxWorkers === "auto") {
      validateAutoLimitOptions(options?.autoLimit);
      this.#auto = createLimit(options?.autoLimit);
      this.#limit = this.#auto.limit;
    } else {
      if (typeof maxWorkers === "string") {
        throw new RangeError(`AsyncPoolExecutor maxWorkers must be an integer ≥ 1 or "auto", got ${describeValue(maxWorkers)}`);
      }
      checkInteger(maxWorkers, "AsyncPoolExecutor maxWorkers", 1);
      this.#auto = undefined;
      this.#limit = maxWorkers;
    }
    if (options?.initializer !== undefined) checkFunction(options.initializer, "AsyncPoolExecutor initializer");
    if (options?.initArgs !== undefined && !Array.isArray(options.initArgs)) {
      throw new TypeError(`AsyncPoolExecutor initArgs must be an array, got ${describeValue(options.initArgs)}`);
    }
    this.#initializer = options?.initializer as ((...args: unknown[]) => unknown) | undefined;
    this.#initArgs = options?.initArgs ?? [];
    this.#init = this.#initializer ? "pending" : "none";
    this.#keys = keys === undefined ? undefined : new KeyedQueue<AsyncTask<unknown>>(keys, options?.autoLimit);
    this.#queue = this.#keys ?? new Queue<AsyncTask<unknown>>();
    this.#watched = this.#auto !== undefined || keysAdapt;
  }

  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    if (this.#shutdown) throw new ShutdownError();
    if (typeof fn !== "function") {
      throw new TypeError(`AsyncPoolExecutor.submit expects a function, got ${describeValue(fn)}`);
    }
    const key = this.#keys === undefined ? "" : this.#keys.keyOf(args);
    return this.#enqueue(new AsyncTask<Awaited<R>>(fn as (...args: unknown[]) => unknown, args, performance.now()), key);
  }

  submitWith<A extends unknown[], R>(options: AsyncPoolSubmitOptions, fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    const key = this.#keyIn(options);
    checkSubmitOptions(options !== null && typeof options === "object" && "key" in options ? withoutKey(options) : options);
    useAsyncContext();
    const task = (key === undefined ? this.submit(fn, ...args) : this.#submitKeyed(key, fn, args)) as AsyncTask<Awaited<R>>;
    task.limits = options;
    abortOn(task, options, (reason) => task.abort(reason));
    return task;
  }

  /**
   * Run a generator (or a function returning an iterable) as one call against
   * `maxWorkers`; its values go to the consumer as it yields them, at most `highWaterMark`
   * ahead. See {@link TaskStream}.
   */
  override streamWith<A extends unknown[], T extends StreamSource>(
    options: StreamOptions & { key?: string },
    fn: (...args: A) => T,
    ...args: A
  ): TaskStream<StreamYield<T>, StreamReturn<T>> {
    const key = this.#keyIn(options, "streamWith");
    const highWaterMark = checkStreamOptions(options !== null && typeof options === "object" && "key" in options ? withoutKey(options) : options);
    if (this.#shutdown) throw new ShutdownError();
    if (typeof fn !== "function") {
      throw new TypeError(`AsyncPoolExecutor.stream expects a function, got ${describeValue(fn)}`);
    }
    const producer = new LocalStream(fn as (...args: unknown[]) => unknown, args, highWaterMark);
    const task = new AsyncTask<StreamReturn<T>>(producer.run, [], performance.now());
    const stream = new StreamBuffer<StreamYield<T>, StreamReturn<T>>(task, highWaterMark, {
      grant: (n) => producer.grant(n),
      // Not started: it never will. Running: the producer stops at its next step, and the
      // call settles (freeing its slot) once the task's return() ran.
      close: (reason) => {
        if (task.state === "pending") {
          if (reason instanceof CancelledError) task.cancel();
          else {
            task.setRunningOrNotifyCancel();
            task.setException(reason);
          }
        } else producer.close();
      },
    });
    producer.buffer = stream as StreamBuffer<unknown, unknown>;
    this.#enqueue(task, key ?? (this.#keys === undefined ? "" : this.#keys.keyOf(args)));
    // As submitWith: the future rejects at once (a signal with CancelledError, its reason as
    // cause), the task's currentSignal() aborts, and the producer stops at its next step;
    // the slot is freed once the task's return() ran.
    const { signal, timeout, queueTimeout } = options;
    if (signal !== undefined || timeout !== undefined || queueTimeout !== undefined) {
      task.limits = options;
      // However it is aborted (here, or by the run-time timeout armed when it starts).
      task.addDoneCallback(() => producer.close());
      if (signal !== undefined) abortOn(task, { signal }, (reason) => task.abort(new CancelledError("the stream's signal aborted", { cause: reason })));
      if (queueTimeout !== undefined) abortOn(task, { queueTimeout }, (reason) => task.abort(reason));
    }
    return stream;
  }

  async shutdown(options?: ShutdownOptions): Promise<void> {
    checkOptions(options, ["wait", "cancelFutures"], "shutdown");
    this.#shutdown = true;
    if (options?.cancelFutures) {
      for (const task of this.#queue.drain()) {
        if (task.cancel()) this.#counts.cancelled++;
        else this.#counts.failed++; // aborted by submitWith while queued
      }
    }
    if (options?.wait === false) return;
    if (this.#queue.size === 0 && this.#inFlight === 0) return;
    this.#idle ??= new Promise((resolve) => (this.#resolveIdle = resolve));
    return this.#idle;
  }

  /** @internal `chunksize` is validated by `map` and then ignored, as Python's ThreadPoolExecutor does. */
  override _chunksize(): number {
    return 1;
  }

  stats(): AsyncPoolStats {
    const stats: AsyncPoolStats = this.#counts.stats(this.#limit, this.#inFlight, this.#queue.size);
    if (this.#keys !== undefined) stats.keys = this.#keys.stats();
    return stats;
  }

  /** submitWith's `key`: undefined if not given; a TypeError if not a string or without perKey. */
  #keyIn(options: { key?: string }, where = "submitWith"): string | undefined {
    if (options === null || typeof options !== "object" || !("key" in options)) return undefined;
    const key = options.key;
    if (key === undefined) return undefined;
    checkKey(key, `${where} key`);
    if (this.#keys === undefined) throw new TypeError(`${where} key applies only to an AsyncPoolExecutor with perKey`);
    return key;
  }

  #submitKeyed<A extends unknown[], R>(key: string, fn: (...args: A) => R, args: A): Future<Awaited<R>> {
    if (this.#shutdown) throw new ShutdownError();
    if (typeof fn !== "function") {
      throw new TypeError(`AsyncPoolExecutor.submitWith expects a function, got ${describeValue(fn)}`);
    }
    return this.#enqueue(new AsyncTask<Awaited<R>>(fn as (...args: unknown[]) => unknown, args, performance.now()), key);
  }

  #enqueue<R>(task: AsyncTask<R>, key: string): Future<R> {
    if (this.#broken) {
      task.setException(this.#broken);
      this.#counts.failed++;
      return task;
    }
    if (this.#keys === undefined) (this.#queue as Queue<AsyncTask<unknown>>).push(task as AsyncTask<unknown>);
    else this.#keys.push(task as AsyncTask<unknown>, key);
    // Start calls on a microtask, never inside submit: the caller gets a pending future
    // it can still cancel, and everything submitted in one turn is started in one pass.
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#drain);
    }
    return task;
  }

  #pump(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      if (this.#init !== "none" && this.#init !== "done") {
        if (this.#init === "pending") this.#initialize();
        return;
      }
      while (this.#inFlight < this.#limit) {
        const task = this.#queue.shift();
        if (task === undefined) break;
        if (task.state === "finished") {
          this.#counts.failed++; // aborted by submitWith while queued: never runs
          continue;
        }
        if (!task.setRunningOrNotifyCancel()) {
          this.#counts.cancelled++;
          continue;
        }
        this.#start(task);
      }
    } finally {
      this.#draining = false;
    }
    this.#checkIdle();
  }

  #start(task: AsyncTask<unknown>): void {
    task.inFlightAtStart = ++this.#inFlight;
    task.startedAt = performance.now();
    if (this.#keys !== undefined) task.inFlightAtStart = this.#keys.start(task, task.startedAt, task.inFlightAtStart);
    if (this.#watched && this.#watchdog === undefined) {
      this.#lastProgress = task.startedAt;
      this.#armWatchdog(task.startedAt);
    }
    this.#counts.waitTime.record(task.startedAt - task.submittedAt);
    if (task.limits !== undefined) armRunTimeout(task, task.limits.timeout, (reason) => task.abort(reason));
    // The call is current for currentSignal(): through the adapter's async context when one
    // is registered (it follows the call's awaits), and around its synchronous part always.
    const hook = asyncContext() ?? contextFor(task.fn);
    const previous = setCurrentCall(task);
    let result: unknown;
    try {
      result = hook === undefined ? task.fn(...task.args) : hook.run(task, task.fn, ...task.args);
    } catch (error) {
      setCurrentCall(previous);
      this.#settle(task, error, true);
      return;
    }
    setCurrentCall(previous);
    if (isThenable(result)) {
      // Promise.resolve hands back a native promise as it is, and makes a thenable's then()
      // run later, as await would (so one that throws rejects rather than throwing here).
      Promise.resolve(result).then(
        (value) => this.#finish(task, value, false),
        (error: unknown) => this.#finish(task, error, true),
      );
    } else {
      this.#settle(task, result, false);
    }
  }

  // A sync call settles inside the pump loop; an async one re-enters the pump.
  #settle(task: AsyncTask<unknown>, outcome: unknown, failed: boolean): void {
    this.#inFlight--;
    const now = performance.now();
    this.#counts.runTime.record(now - task.startedAt);
    if (this.#auto !== undefined) {
      // Errors count as congestion, as a downstream's timeouts and refusals usually are.
      this.#auto.onSample(now, now - task.startedAt, task.inFlightAtStart, failed);
      this.#limit = this.#auto.limit;
      this.#lastProgress = now;
    }
    if (this.#keys !== undefined) this.#keys.finish(task, now, now - task.startedAt, failed, failed || task.done(), task.inFlightAtStart);
    if (task.done()) {
      this.#counts.failed++; // aborted by submitWith: its future already holds the reason
      return;
    }
    if (failed) {
      this.#counts.failed++;
      task.setException(outcome);
    } else {
      this.#counts.completed++;
      task.setResult(outcome);
    }
  }

  #finish(task: AsyncTask<unknown>, outcome: unknown, failed: boolean): void {
    this.#settle(task, outcome, failed);
    this.#pump();
  }

  #armWatchdog(now: number): void {
    this.#watchdogDue = now + WATCHDOG_MS;
    this.#watchdog = setTimeout(this.#watch, WATCHDOG_MS);
    unrefTimer(this.#watchdog);
  }

  #initialize(): void {
    this.#init = "running";
    const fail = (error: unknown) => {
      this.#broken = new BrokenExecutorError("the initializer failed: the executor cannot run work", { cause: error });
      for (const task of this.#queue.drain()) {
        if (task.state === "finished") this.#counts.failed++;
        else if (task.setRunningOrNotifyCancel()) {
          task.setException(this.#broken);
          this.#counts.failed++;
        } else this.#counts.cancelled++;
      }
      this.#init = "done";
      this.#checkIdle();
    };
    const done = () => {
      this.#init = "done";
      this.#pump();
    };
    try {
      const result = this.#initializer!(...this.#initArgs);
      if (isThenable(result)) {
        (result as PromiseLike<unknown>).then(done, fail);
      } else queueMicrotask(done);
    } catch (error) {
      queueMicrotask(() => fail(error));
    }
  }

  #checkIdle(): void {
    if (this.#resolveIdle && this.#inFlight === 0 && this.#queue.size === 0) {
      this.#resolveIdle();
      this.#resolveIdle = undefined;
    }
  }
}

/** submitWith's options without `key`, for the checks every executor shares. */
function withoutKey<T extends { key?: string }>(options: T): Omit<T, "key"> {
  const { key: _key, ...rest } = options;
  return rest;
}
