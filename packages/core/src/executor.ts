import type { TransferItem } from "./transfer.js";
import type { Future } from "./future.js";
import { MapIterator } from "./map.js";
import type { ExecutorStats } from "./stats.js";
import type { ModuleTask } from "./tasks.js";
import type { StreamOptions, StreamReturn, StreamSource, StreamYield, TaskStream } from "./stream/task-stream.js";

/** Options of {@link Executor.map}. */
export interface MapOptions {
  /**
   * ms, measured from the `map` call: a result not ready by then — or an async input that
   * has not yielded the next item by then — makes `next()` reject with `TimeoutError`. @default Infinity
   */
  timeout?: number;
  /**
   * Items sent to a worker per task (worker and queue executors; `AsyncPoolExecutor`
   * ignores it, as Python's `ThreadPoolExecutor` does). @default automatic: see the executor
   */
  chunksize?: number;
  /**
   * At most this many tasks (chunks) scheduled ahead of the consumer; the input is read
   * only as results are taken, so an endless iterable works in bounded memory (Python 3.14).
   * With an automatic chunksize it counts items: at most this many are read ahead.
   * @default Infinity (every item is scheduled at once, as in Python)
   */
  buffersize?: number;
  /** `AsyncPoolExecutor` with `perKey`: the key every call of this map counts against. @default none (`keyOf`, else the default key) */
  key?: string;
}

/** Options of {@link Executor.shutdown}. */
export interface ShutdownOptions {
  /** Resolve only once every call has finished and every worker has exited. @default true */
  wait?: boolean;
  /** Cancel every call that has not started. @default false */
  cancelFutures?: boolean;
}

/** The extended form of `submit`: {@link Executor.submitWith}. */
export interface SubmitOptions {
  /**
   * Abort the call: a pending call never runs; a running call's `currentSignal()` aborts with
   * `signal.reason`, and its future rejects with it at once.
   */
  signal?: AbortSignal;
  /**
   * ms of **run time**, counted from when the call starts (not from submit): a call still
   * running then is aborted, as by `signal`, with a `TimeoutError`. @default Infinity
   */
  timeout?: number;
  /** ms the call may wait before it starts; past it, it never runs and rejects with `TimeoutError`. @default Infinity */
  queueTimeout?: number;
  /**
   * ms an aborted running call gets to return by itself before it is stopped by force (worker
   * pool, queue worker: its worker is terminated and replaced). The async pool cannot stop a
   * call: its slot stays taken until the function returns. @default 1000
   */
  grace?: number;
  /** Objects (ArrayBuffers, ports) moved to the worker instead of copied (worker pool). */
  transfer?: readonly TransferItem[];
}

/** A function, or a reference to a module's export (worker and queue executors). */
export type Task<A extends unknown[], R> = ((...args: A) => R) | ModuleTask<A, R>;

/**
 * What every executor has, as Python's `concurrent.futures.Executor`: `submit`, `map`,
 * `shutdown`, `await using`.
 */
export abstract class Executor {
  /** Schedule `fn(...args)`; returns its future at once. @throws {ShutdownError} after `shutdown()`. */
  abstract submit<A extends unknown[], R>(fn: Task<A, R>, ...args: A): Future<Awaited<R>>;

  /** `submit` with per-call options: an `AbortSignal`, a run-time `timeout`, a `queueTimeout`, a `grace`, a transfer list. */
  abstract submitWith<A extends unknown[], R>(options: SubmitOptions, fn: Task<A, R>, ...args: A): Future<Awaited<R>>;

  /**
   * Run a task that yields many values (a generator or async generator function, or one
   * returning an iterable): its values arrive as they are made, with back-pressure, and
   * `stream.future` holds its return value. See {@link TaskStream}.
   */
  stream<A extends unknown[], T extends StreamSource>(fn: Task<A, T>, ...args: A): TaskStream<StreamYield<T>, StreamReturn<T>> {
    return this.streamWith({}, fn, ...args);
  }

  /** `stream` with per-call options: `highWaterMark`, and those of `submitWith`. */
  streamWith<A extends unknown[], T extends StreamSource>(options: StreamOptions, fn: Task<A, T>, ...args: A): TaskStream<StreamYield<T>, StreamReturn<T>> {
    void options;
    void fn;
    void args;
    throw new TypeError(`${this.constructor.name} does not run streams`);
  }

  /**
   * Stop taking work. Idempotent. `cancelFutures` cancels calls not yet started; with
   * `wait` (the default) the promise resolves once every call has finished and every
   * worker has exited. Afterwards the process exits on its own — except while a call that
   * never returns is still running (as in Python); `terminateWorkers()` stops those.
   */
  abstract shutdown(options?: ShutdownOptions): Promise<void>;

  /** A plain snapshot of the executor's counters and latency percentiles. */
  abstract stats(): ExecutorStats;

  /**
   * `fn(item)` for each item, results in input order. Work is scheduled now, not on the
   * first `next()`. The error of call *i* is thrown by the `next()` that would yield result
   * *i*; leaving the loop early cancels every call not yet started.
   */
  map<T, R>(fn: Task<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterableIterator<Awaited<R>> {
    return new MapIterator<T, Awaited<R>>(this, fn, items, options);
  }

  /** `await using ex = new ...Executor()` shuts it down with `{ wait: true }` at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /** @internal The chunk size `map` uses: `requested` if given, else the executor's rule. */
  _chunksize(_items: Iterable<unknown> | AsyncIterable<unknown>, requested: number | undefined, _fn?: Task<[unknown], unknown>): number {
    return requested ?? 1;
  }

  /**
   * @internal Run `fn` over a whole chunk as one task. The future's value is the array of
   * results; if item k throws, it rejects with `ChunkError(resultsBefore_k, error)`.
   */
  _submitChunk(fn: Task<[unknown], unknown>, items: unknown[]): Future<unknown[]> {
    void fn;
    void items;
    throw new TypeError(`${this.constructor.name} does not run chunks`);
  }
}
