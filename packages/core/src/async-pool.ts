import { argumentsAfter } from "./arguments.js";
import { CancelledError, ShutdownError } from "./errors.js";
import { Executor, type ShutdownOptions } from "./executor.js";
import type { Future } from "./future.js";
import { abortOn, checkSubmitOptions } from "./submit-options.js";
import { useAsyncContext } from "./context.js";
import type { KeyedQueue } from "./keys/index.js";
import { checkOptions, describeValue } from "./validate.js";
import { StreamBuffer } from "./stream/buffer.js";
import { LocalStream } from "./stream/local.js";
import { checkStreamOptions } from "./stream/options.js";
import type { StreamOptions, StreamReturn, StreamSource, StreamYield, TaskStream } from "./stream/task-stream.js";
import { keyIn, planAsyncPool, withoutKey, type AsyncPoolOptions, type AsyncPoolStats, type AsyncPoolSubmitOptions } from "./async/options.js";
import { AsyncRunner } from "./async/runner.js";
import { AsyncTask } from "./async/task.js";

export type { AsyncPoolOptions, AsyncPoolStats, AsyncPoolSubmitOptions } from "./async/options.js";

/**
 * Python's `ThreadPoolExecutor` for the event loop: runs sync or async functions in this
 * thread, at most `maxWorkers` in flight. For IO-bound work (requests, queries, files);
 * for CPU-bound work use `WorkerPoolExecutor`.
 *
 * This class checks what callers give it and makes each call's future (async/task.ts);
 * async/runner.ts starts the calls within the limits of async/limits.ts.
 */
export class AsyncPoolExecutor extends Executor {
  readonly #runner: AsyncRunner;
  /** With perKey: the keyed queue (for keyOf). Without, undefined, and nothing per call looks up a key. */
  readonly #keys: KeyedQueue<AsyncTask<unknown>> | undefined;
  #shutdown = false;

  constructor(options?: AsyncPoolOptions) {
    super();
    const plan = planAsyncPool(options);
    this.#keys = plan.keys;
    this.#runner = new AsyncRunner(plan);
  }

  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>>;
  submit(fn: (...args: unknown[]) => unknown): Future<unknown> {
    // Read through `arguments`, not a rest parameter: a call with one argument makes no array.
    const one = arguments.length === 2;
    return this.#submit("submit", undefined, fn, one ? arguments[1] : undefined, one ? undefined : argumentsAfter(arguments, 1));
  }

  submitWith<A extends unknown[], R>(options: AsyncPoolSubmitOptions, fn: (...args: A) => R, ...args: A): Future<Awaited<R>>;
  submitWith(options: AsyncPoolSubmitOptions, fn: (...args: unknown[]) => unknown): Future<unknown> {
    const key = keyIn(options, this.#keys !== undefined, "submitWith");
    checkSubmitOptions(withoutKey(options));
    useAsyncContext();
    const one = arguments.length === 3;
    const task = this.#submit("submitWith", key, fn, one ? arguments[2] : undefined, one ? undefined : argumentsAfter(arguments, 2));
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
    const key = keyIn(options, this.#keys !== undefined, "streamWith");
    const highWaterMark = checkStreamOptions(withoutKey(options));
    if (this.#shutdown) throw new ShutdownError();
    if (typeof fn !== "function") {
      throw new TypeError(`AsyncPoolExecutor.stream expects a function, got ${describeValue(fn)}`);
    }
    const producer = new LocalStream(fn as (...args: unknown[]) => unknown, args, highWaterMark);
    const task = new AsyncTask<StreamReturn<T>>(producer.run, undefined, []);
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
    this.#runner.enqueue(task, key ?? (this.#keys === undefined ? "" : this.#keys.keyOf(args)));
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
    if (options?.cancelFutures) this.#runner.cancelQueued();
    if (options?.wait === false) return;
    return this.#runner.whenIdle();
  }

  /** @internal `chunksize` is validated by `map` and then ignored, as Python's ThreadPoolExecutor does. */
  override _chunksize(): number {
    return 1;
  }

  stats(): AsyncPoolStats {
    return this.#runner.stats();
  }

  /** A call of `fn` with `arg` (when `args` is undefined) or `args`, under `key` or the one keyOf gives. */
  #submit(method: string, key: string | undefined, fn: (...args: unknown[]) => unknown, arg: unknown, args: unknown[] | undefined): AsyncTask<unknown> {
    if (this.#shutdown) throw new ShutdownError();
    if (typeof fn !== "function") {
      throw new TypeError(`AsyncPoolExecutor.${method} expects a function, got ${describeValue(fn)}`);
    }
    const task = new AsyncTask<unknown>(fn, arg, args);
    this.#runner.enqueue(task, key ?? (this.#keys === undefined ? "" : this.#keys.keyOf(args ?? [arg])));
    return task;
  }
}
