import { CancelledError, InvalidStateError, TimeoutError } from "./errors.js";
import { checkTimeout } from "./validate.js";

/** Where a future is in its life. `done()` is true for `"cancelled"` and `"finished"`. */
export type FutureState = "pending" | "running" | "cancelled" | "finished";

/** A callback given to {@link Future.addDoneCallback}. */
export type DoneCallback<T> = (future: Future<T>) => void;

// Stored callbacks are typed loosely so that Future<T> stays covariant in T (a
// Future<number> is a Future<unknown>), which asCompleted/wait over mixed futures need.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StoredCallback = (future: any) => void;

function runCallback(fn: StoredCallback, future: Future<unknown>): void {
  try {
    fn(future);
  } catch (error) {
    // As Python logs "exception calling callback for <Future>": one bad callback must not
    // stop the others, nor surface as an uncaught error.
    console.error(`exception calling callback for ${String(future)}`, error);
  }
}

/**
 * The eventual result of a call, as Python's `concurrent.futures.Future`.
 *
 * A future is awaitable (`await future` is `await future.result()`), and executors move it
 * through `pending → running → finished`, or `pending → cancelled`.
 */
// Friend access for wait(FIRST_EXCEPTION): whether a finished future failed, synchronously.
let failedOf: (future: Future<unknown>) => boolean;
let valueOf: (future: Future<unknown>) => unknown;

/**
 * The eventual result of one call, as Python's `concurrent.futures.Future`; awaitable
 * (`await future` is `await future.result()`).
 */
export class Future<T = unknown> implements PromiseLike<T> {
  static {
    failedOf = (future) => future.#failed;
    valueOf = (future) => future.#value;
  }

  #state: FutureState = "pending";
  #value: T | undefined = undefined;
  #error: unknown = undefined;
  #failed = false;
  // One callback is the common case (an iterator or a waiting promise): keep it unboxed.
  #callbacks: StoredCallback | StoredCallback[] | undefined = undefined;
  // The promise behind result()/then, made on first use and settled directly by #settle.
  #promise: Promise<T> | undefined = undefined;
  #resolve: StoredCallback | undefined = undefined;
  #reject: StoredCallback | undefined = undefined;

  /** `"pending" | "running" | "cancelled" | "finished"`. */
  get state(): FutureState {
    return this.#state;
  }

  /**
   * Cancel the call if it has not started.
   * @returns true if the future is now cancelled (it was pending, or already cancelled);
   *   false once it is running or finished.
   */
  cancel(): boolean {
    const state = this.#state;
    if (state === "cancelled") return true;
    if (state !== "pending") return false;
    this.#state = "cancelled";
    this.#settle();
    return true;
  }

  /** True if the future was cancelled. */
  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  /** True while the call is running (and so can no longer be cancelled). */
  running(): boolean {
    return this.#state === "running";
  }

  /** True once the future is cancelled or finished. */
  done(): boolean {
    return this.#state === "cancelled" || this.#state === "finished";
  }

  /**
   * The call's value.
   * @param timeout ms to wait; rejects with {@link TimeoutError} if the future is not done by
   *   then (the future itself is untouched). Rejects with the call's own error, or with
   *   {@link CancelledError} if the future was cancelled.
   */
  result(timeout?: number): Promise<T> {
    if (timeout !== undefined) checkTimeout(timeout, "timeout");
    const state = this.#state;
    if (state === "finished") return this.#failed ? Promise.reject(this.#error) : Promise.resolve(this.#value as T);
    if (state === "cancelled") return Promise.reject(new CancelledError());
    this.#promise ??= new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (timeout === undefined || timeout === Infinity) return this.#promise;
    return this.#withTimeout(this.#promise, timeout);
  }

  /**
   * The call's error, or `undefined` if it succeeded. Rejects with {@link CancelledError} or
   * {@link TimeoutError} as {@link result} does.
   */
  exception(timeout?: number): Promise<unknown> {
    return this.result(timeout).then(
      () => undefined,
      (error: unknown) => {
        if (this.#state === "cancelled" || !this.#failed) throw error;
        return error;
      },
    );
  }

  /**
   * Call `fn(this)` once the future is done. If it already is, `fn` runs now, synchronously.
   * A callback that throws is logged with `console.error` and does not stop the others.
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    if (typeof fn !== "function") throw new TypeError("addDoneCallback expects a function");
    if (this.done()) {
      runCallback(fn, this);
      return;
    }
    const callbacks = this.#callbacks;
    if (callbacks === undefined) this.#callbacks = fn;
    else if (typeof callbacks === "function") this.#callbacks = [callbacks, fn];
    else callbacks.push(fn);
  }

  /** `await future` is `await future.result()`. */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onfulfilled, onrejected);
  }

  // ---- for executor authors, as in Python --------------------------------------------

  /**
   * Mark the future running, unless it was cancelled.
   * @returns false if it was cancelled (the call must not run), true if it is now running.
   * @throws {InvalidStateError} if it is already running or finished.
   */
  setRunningOrNotifyCancel(): boolean {
    const state = this.#state;
    if (state === "pending") {
      this.#state = "running";
      return true;
    }
    if (state === "cancelled") return false;
    throw new InvalidStateError(`cannot start a future that is ${state}`);
  }

  /** Complete the future with a value. @throws {InvalidStateError} if it is already done. */
  setResult(value: T): void {
    if (this.done()) throw new InvalidStateError(`cannot set the result of a future that is ${this.#state}`);
    this.#value = value;
    this.#state = "finished";
    this.#settle();
  }

  /** Complete the future with an error. @throws {InvalidStateError} if it is already done. */
  setException(error: unknown): void {
    if (this.done()) throw new InvalidStateError(`cannot set the exception of a future that is ${this.#state}`);
    this.#error = error;
    this.#failed = true;
    this.#state = "finished";
    this.#settle();
  }

  get [Symbol.toStringTag](): string {
    return `Future<${this.#state}>`;
  }

  toString(): string {
    return `[Future ${this.#state}]`;
  }

  #settle(): void {
    const resolve = this.#resolve;
    if (resolve !== undefined) {
      const reject = this.#reject!;
      this.#resolve = this.#reject = undefined;
      if (this.#state === "cancelled") reject(new CancelledError());
      else if (this.#failed) reject(this.#error);
      else resolve(this.#value);
    }
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return;
    this.#callbacks = undefined;
    if (typeof callbacks === "function") runCallback(callbacks, this);
    else for (const fn of callbacks) runCallback(fn, this);
  }

  #withTimeout(promise: Promise<T>, timeout: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(`the future was not done within ${timeout} ms`)), timeout);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

/** @internal True if a finished future holds an error (not for cancelled ones). */
export function hasFailed(future: Future<unknown>): boolean {
  return future.state === "finished" && failedOf(future);
}

/** @internal The value of a future that finished without an error (no promise involved). */
export function resultOf<T>(future: Future<T>): T {
  return valueOf(future) as T;
}

/** True for a {@link Future} (of this copy of the library, or any object shaped like one). */
export function isFuture(value: unknown): value is Future<unknown> {
  return value instanceof Future;
}
