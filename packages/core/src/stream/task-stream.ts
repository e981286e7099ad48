// A streaming task, as its consumer sees it. The contract, for every executor:
//
// - Order: `next()` gives the values in the order the task yielded them, each as soon as it
//   reaches this side (the producer does not wait for the task to end to send them).
// - Back-pressure: the producer is given `highWaterMark` credits; each value it yields spends
//   one, and it pauses at zero. The consumer side grants credit back as values are *taken*
//   by `next()` (not as they arrive), so at most `highWaterMark` values exist between the
//   task and the consumer, whatever the consumer's speed: memory is bounded on both sides.
// - End: `future` settles when the producer has stopped — with the task's return value, its
//   error, or `CancelledError` once a close reached it. Values already taken out of the task
//   come first: `next()` throws the task's error (or a `WorkerExitedError`) only after every
//   value yielded before it.
// - Close: `return()` (what `break` calls) ends the consumer's side at once (`next()` is
//   `done` from then on) and asks the producer to stop: the task's iterator `return()` runs
//   where the task runs (its `finally` blocks execute), the slot is freed, and `future`
//   rejects with `CancelledError`. An `AbortSignal` or `timeout` closes it the same way, but
//   the consumer's `next()` then rejects with that reason after the values already buffered.
import type { Future } from "../future.js";
import type { SubmitOptions } from "../executor.js";

/** The values of a streaming task and, in `future`, its return value. */
export interface TaskStream<Y, R> extends AsyncIterableIterator<Y> {
  /** Settles when the task ends: its return value, its error, or `CancelledError` if closed early. */
  readonly future: Future<R>;
  /** The next value, in yield order; `done` once the task returned (or the stream was closed). */
  next(): Promise<IteratorResult<Y, undefined>>;
  /** Close early (what `break` does): the task's `finally` blocks run where it runs. */
  return(): Promise<IteratorResult<Y, undefined>>;
  [Symbol.asyncIterator](): TaskStream<Y, R>;
  /** `await using s = ex.stream(...)` closes the stream at scope exit. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of `streamWith`: those of `submitWith`, and back-pressure. */
export interface StreamOptions extends SubmitOptions {
  /**
   * How many values the task may run ahead of the consumer before it pauses.
   * @default 16
   */
  highWaterMark?: number;
}

export const DEFAULT_HIGH_WATER_MARK = 16;

/** What a stream task may return: a generator, or any sync or async iterable (or a promise of one). */
export type StreamSource =
  | Iterable<unknown>
  | AsyncIterable<unknown>
  | PromiseLike<Iterable<unknown> | AsyncIterable<unknown>>;

/** The values a stream task yields, from what its function returns. */
export type StreamYield<T> =
  T extends PromiseLike<infer U>
    ? StreamYield<U>
    : T extends Generator<infer Y, unknown, never>
      ? Y
      : T extends AsyncGenerator<infer Y, unknown, never>
        ? Y
        : T extends Iterable<infer Y>
          ? Y
          : T extends AsyncIterable<infer Y>
            ? Y
            : never;

/** The value a stream task returns when it ends (a generator's `return`), else `undefined`. */
export type StreamReturn<T> =
  T extends PromiseLike<infer U>
    ? StreamReturn<U>
    : T extends Generator<unknown, infer R, never>
      ? R
      : T extends AsyncGenerator<unknown, infer R, never>
        ? R
        : undefined;
