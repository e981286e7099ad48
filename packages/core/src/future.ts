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

// Friend access for wait(FIRST_EXCEPTION) and map: a finished future's outcome, synchronously.
let failedOf: (future: Future<unknown>) => boolean;
let valueOf: (future: Future<unknown>) => unknown;
// What a done future's promise was resolved with: its value, or a thenable that rejects.
let settledWith: (future: Future<unknown>) => unknown;

// The resolve function of the promise being constructed, handed from the executor to the
// constructor without a closure per future. Its reject function is not kept (a future holds
// one function, not two, while it is pending): a future rejects by resolving with a thenable
// that rejects (one microtask later than a direct reject; callbacks run at once either way).
let resolveOf: StoredCallback | undefined;
const capture = (resolve: StoredCallback): void => {
  resolveOf = resolve;
};
/** A thenable that rejects with `error`: resolving a promise with it rejects the promise. */
function rejecting(error: unknown): PromiseLike<never> {
  return { then: (_, reject) => (reject?.(error), undefined as never) };
}
const ignore = (): void => {};
const nativeThen = Promise.prototype.then;
// True once usePlainFutures() ran: futures are not promises, each makes one on first use.
let plain = false;
// A plain future's promise, made on first use (friend access for Awaitable's methods).
let promiseOf: <T>(future: Future<T>) => Promise<T>;

/**
 * The eventual result of one call, as Python's `concurrent.futures.Future`; awaitable
 * (`await future` is `await future.result()`).
 *
 * By default a future is a native promise, settled when the future is done, whose
 * `constructor` is `Promise`: so `await future` and `Promise.all(futures)` take it as it is
 * (one reaction, no extra promise, job or closure per future) and `then` makes plain promises.
 * On an engine where that is the slow path (Bun: see usePlainFutures) a future is instead a
 * plain object whose `then` runs on one plain promise, made the first time it is asked for. A
 * future that fails or is cancelled with nobody awaiting it is not an unhandled rejection, as
 * in Python.
 */
export class Future<T = unknown> extends Promise<T> {
  static {
    settledWith = (future) => (future.#state === "cancelled" || future.#state === "failed" ? rejecting(future.#outcome) : future.#outcome);
    failedOf = (future) => future.#state === "failed";
    valueOf = (future) => future.#outcome;
    promiseOf = <T>(future: Future<T>) => (future.#promise ?? future.#makePromise()) as Promise<T>;
  }

  // "failed" is "finished" with an error: one field for both, a slot less per future.
  #state: FutureState | "failed" = "pending";
  // The value, or the error when "failed" (or cancelled: its CancelledError).
  #outcome: unknown = undefined;
  // One callback is the common case (an iterator or a waiting promise): keep it unboxed.
  #callbacks: StoredCallback | StoredCallback[] | undefined = undefined;
  #resolve: StoredCallback | undefined;
  // A plain future's promise (see usePlainFutures), once something asked for it.
  #promise: Promise<unknown> | undefined = undefined;

  constructor() {
    super(capture);
    this.#resolve = resolveOf;
    resolveOf = undefined;
    // PromiseResolve (used by await and Promise.all) returns a promise as it is only if its
    // constructor is Promise itself; each class of future gets that once.
    if (!plain && this.constructor !== Promise) {
      Object.defineProperty(new.target.prototype, "constructor", { value: Promise, writable: true, configurable: true });
    }
  }

  /** `"pending" | "running" | "cancelled" | "finished"`. */
  get state(): FutureState {
    const state = this.#state;
    return state === "failed" ? "finished" : state;
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
    const state = this.#state;
    return state === "cancelled" || state === "finished" || state === "failed";
  }

  /**
   * The call's value.
   * @param timeout ms to wait; rejects with {@link TimeoutError} if the future is not done by
   *   then (the future itself is untouched). Rejects with the call's own error, or with
   *   {@link CancelledError} if the future was cancelled.
   */
  result(timeout?: number): Promise<T> {
    if (timeout !== undefined) checkTimeout(timeout, "timeout");
    if (timeout === undefined || timeout === Infinity || this.done()) return this.#awaited();
    return this.#withTimeout(timeout);
  }

  /**
   * The call's error, or `undefined` if it succeeded. Rejects with {@link CancelledError} or
   * {@link TimeoutError} as {@link result} does.
   */
  exception(timeout?: number): Promise<unknown> {
    return this.result(timeout).then(
      () => undefined,
      (error: unknown) => {
        if (this.#state !== "failed") throw error;
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
    throw new InvalidStateError(`cannot start a future that is ${this.state}`);
  }

  /** Complete the future with a value. @throws {InvalidStateError} if it is already done. */
  setResult(value: T): void {
    if (this.done()) throw new InvalidStateError(`cannot set the result of a future that is ${this.state}`);
    this.#outcome = value;
    this.#state = "finished";
    this.#settle();
  }

  /** Complete the future with an error. @throws {InvalidStateError} if it is already done. */
  setException(error: unknown): void {
    if (this.done()) throw new InvalidStateError(`cannot set the exception of a future that is ${this.state}`);
    this.#outcome = error;
    this.#state = "failed";
    this.#settle();
  }

  override get [Symbol.toStringTag](): string {
    return `Future<${this.state}>`;
  }

  override toString(): string {
    return `[Future ${this.state}]`;
  }

  #settle(): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    if (this.#state === "cancelled") this.#outcome = new CancelledError();
    // A plain future nobody asked a promise of has none to settle; one that has a promise
    // held its resolve function until now.
    const promise = plain ? this.#promise : this;
    if (promise !== undefined) this.#seal(promise, resolve!);
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return;
    this.#callbacks = undefined;
    if (typeof callbacks === "function") runCallback(callbacks, this);
    else for (const fn of callbacks) runCallback(fn, this);
  }

  /** Settle `promise` (this future's, through `resolve`) with the outcome of this done future. */
  #seal(promise: Promise<unknown>, resolve: StoredCallback): void {
    // Nobody awaiting a failed or cancelled future is not an unhandled rejection.
    if (this.#state === "cancelled" || this.#state === "failed") nativeThen.call(promise, undefined, ignore);
    resolve(settledWith(this));
  }

  #makePromise(): Promise<unknown> {
    const promise = new Promise(capture);
    const resolve = resolveOf!;
    resolveOf = undefined;
    this.#promise = promise;
    if (this.done()) this.#seal(promise, resolve);
    else this.#resolve = resolve;
    return promise;
  }

  /** What `result()` and its timeout wait on: the future itself, or a plain future's promise. */
  #awaited(): Promise<T> {
    return plain ? promiseOf(this) : this;
  }

  #withTimeout(timeout: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(`the future was not done within ${timeout} ms`)), timeout);
      nativeThen.call(
        this.#awaited(),
        (value) => {
          clearTimeout(timer);
          resolve(value as T);
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

/**
 * What a plain future is made from (see usePlainFutures): `then`, `catch` and `finally` of one
 * plain promise that the future makes the first time one of them, `result()` or `await` asks
 * for it, and settles when it is done.
 */
class Awaitable<T> {
  // Called by Future's constructor as `super(capture)`: a plain future has no promise yet.
  constructor(_executor?: unknown) {}
  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return nativeThen.call(promiseOf(this as unknown as Future<T>), onFulfilled, onRejected) as Promise<A | B>;
  }
  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onRejected);
  }
  finally(onFinally?: (() => void) | null): Promise<T> {
    return promiseOf(this as unknown as Future<T>).finally(onFinally);
  }
}

/**
 * @internal From now on futures are plain objects, not promises: each makes one plain
 * promise the first time it is awaited or its `then` is called. For engines where `then` on a
 * promise subclass takes a slow generic path. On JSC (Bun) a promise gets the fast path only
 * if its prototype is `Promise.prototype`, so `Promise.all` over futures called each future's
 * `then` the slow way, and made a derived promise per future. Measured on Bun 1.4.5 with
 * `benchmarks/scripts/promise-all-floor.mjs` (make, `Promise.all` of 20,000, settle): 312 ns
 * per element for plain futures, against 496 for a promise subclass and 425 for one whose
 * `then` goes through a new plain promise. On V8 the subclass is faster (Node 20: 1,088
 * against 1,178; Deno: 242 against 461), so only an adapter that asks for it gets it. Called once, before any future is made (an adapter calls it as it loads).
 */
export function usePlainFutures(): void {
  if (plain) return;
  plain = true;
  // Future's constructor calls its class's prototype as `super`: Awaitable from now on.
  Object.setPrototypeOf(Future, Awaitable);
  Object.setPrototypeOf(Future.prototype, Awaitable.prototype);
}

/** True for a {@link Future} (of this copy of the library, or any object shaped like one). */
export function isFuture(value: unknown): value is Future<unknown> {
  return value instanceof Future;
}
