import { Executor, type ShutdownOptions, type SubmitOptions, type Task } from "../executor.js";
import type { Future } from "../future.js";
import type { WorkerPoolStats } from "../stats.js";
import type { StreamOptions, StreamReturn, StreamSource, StreamYield, TaskStream } from "../stream/task-stream.js";
import { argumentsAfter } from "../arguments.js";
import { OP_CALL, OP_CALL1, OP_CHUNK } from "../protocol.js";
import { checkSubmitOptions } from "../submit-options.js";
import { checkOptions, checkTimeout } from "../validate.js";
import { autoChunksize } from "./chunksize.js";
import { submitCall } from "./dispatch.js";
import { checkPoolOptions, type WorkerPoolOptions } from "./options.js";
import { Pool } from "./pool.js";
import { shutdown, terminate, whenDone } from "./shutdown.js";
import { streamCall } from "./stream-glue.js";
import { taskDef } from "./task.js";
import { limitCall } from "./time-limits.js";

/**
 * Python's `ProcessPoolExecutor`: runs tasks in a pool of workers (one isolate each), for
 * CPU-bound work. A task is a self-contained function (sent by source, compiled once per
 * worker) or a module task (`taskModule(url).name`). Arguments and results are cloned.
 *
 * This class is the public face: it checks what it is given and hands the work to its
 * {@link Pool} (pool.ts, which lists where each job lives).
 */
export class WorkerPoolExecutor extends Executor {
  readonly #pool: Pool;

  constructor(options?: WorkerPoolOptions) {
    super();
    checkPoolOptions(options);
    const adapter = options?.adapter;
    if (!adapter) {
      throw new TypeError(
        "WorkerPoolExecutor needs an adapter: import it from @concurrent/futures (which picks the runtime's), or pass { adapter }",
      );
    }
    this.#pool = new Pool(adapter, options);
  }

  submit<A extends unknown[], R>(fn: Task<A, R>, ...args: A): Future<Awaited<R>>;
  submit(fn: Task<never, unknown>): Future<unknown> {
    // Read through `arguments` rather than a rest parameter: a call with one argument then
    // makes no array (the engines elide `arguments` read by index: see argumentsAfter).
    return arguments.length === 2
      ? submitCall(this.#pool, fn, OP_CALL1, arguments[1], undefined)
      : submitCall(this.#pool, fn, OP_CALL, argumentsAfter(arguments, 1), undefined);
  }

  submitWith<A extends unknown[], R>(options: SubmitOptions, fn: Task<A, R>, ...args: A): Future<Awaited<R>>;
  submitWith(options: SubmitOptions, fn: Task<never, unknown>): Future<unknown> {
    checkSubmitOptions(options);
    const task =
      arguments.length === 3
        ? submitCall(this.#pool, fn, OP_CALL1, arguments[2], options.transfer)
        : submitCall(this.#pool, fn, OP_CALL, argumentsAfter(arguments, 2), options.transfer);
    limitCall(this.#pool, task, options);
    return task;
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
    return streamCall(this.#pool, options, fn, args) as unknown as TaskStream<StreamYield<T>, StreamReturn<T>>;
  }

  override _submitChunk(fn: Task<[unknown], unknown>, items: unknown[]): Future<unknown[]> {
    return submitCall(this.#pool, fn, OP_CHUNK, items, undefined) as Future<unknown[]>;
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
    return autoChunksize(items, this.#pool.maxWorkers, avgMs);
  }

  async shutdown(options?: ShutdownOptions): Promise<void> {
    checkOptions(options, ["wait", "cancelFutures"], "shutdown");
    shutdown(this.#pool, Boolean(options?.cancelFutures));
    if (options?.wait === false) return;
    return whenDone(this.#pool);
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
    terminate(this.#pool, grace);
    return whenDone(this.#pool);
  }

  stats(): WorkerPoolStats {
    const pool = this.#pool;
    const elapsed = performance.now() - pool.createdAt;
    return {
      ...pool.counts.stats(pool.maxWorkers, pool.inFlight, pool.queue.size),
      workers: pool.workers.length,
      utilization: elapsed > 0 ? Math.min(1, pool.busyMs / (elapsed * pool.maxWorkers)) : 0,
    };
  }
}

export type { WorkerPoolOptions, WorkerPoolStats };
