import { TimeoutError } from "./errors.js";
import { type Future, isFuture } from "./future.js";
import { checkOptions, checkTimeout, describeValue } from "./validate.js";

/** The iterator itself: `next()` gives the futures (not their values). */
export interface FutureIteratorObject<F> {
  /** The next future to complete (those already done first); rejects with `TimeoutError` once the timeout has passed. */
  next(): Promise<IteratorResult<F, undefined>>;
  /** Stop iterating (what `break` calls); the futures themselves are untouched. */
  return(): Promise<IteratorResult<F, undefined>>;
  /** The iterator itself, so it works in `for await`. */
  [Symbol.asyncIterator](): FutureIteratorObject<F>;
}

declare const alias: unique symbol;
/** @internal The same iterator under a second name; see {@link FutureIterator}. */
export interface FutureIteratorAlias<F> extends FutureIteratorObject<F> {
  readonly [alias]?: true;
}

/**
 * An async iterator of futures, typed so that `for await (const f of it)` gives `f` the
 * future's own type.
 *
 * Declared as our own interface, not the global `AsyncIterableIterator<F>`: TypeScript
 * types `for await` over the global one as the *awaited* element, and a Future is
 * thenable, so `f` would become its value. And declared as a union of two names for the
 * same shape: TypeScript 5.x/6.x compute a `for await` element type afresh (the future)
 * the first time they meet an iterable type and from a cache (awaited: the value) on later
 * loops over that same type — but a union's iteration types are cached as computed, so
 * every loop agrees (TypeScript 7 needs no trick; tested in the packaging type tests).
 */
export type FutureIterator<F> = FutureIteratorObject<F> | FutureIteratorAlias<F>;

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /** ms from the call after which `next()` rejects with `TimeoutError` if futures remain. @default Infinity */
  timeout?: number;
}

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

class AsCompleted<F extends Future<unknown>> implements FutureIteratorObject<F> {
  // Futures already done (at the call, or since) and not yet yielded, in completion order.
  #ready: F[] = [];
  #head = 0;
  #remaining: number;
  #total: number;
  #deadline: number;
  #closed = false;
  #waiter: ((value: IteratorResult<F, undefined>) => void) | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #rejectWaiter: ((error: unknown) => void) | undefined = undefined;

  constructor(futures: Iterable<F>, timeout: number) {
    this.#deadline = timeout === Infinity ? Infinity : performance.now() + timeout;
    const unique = new Set(futures);
    for (const f of unique) if (!isFuture(f)) throw new TypeError(`asCompleted expects futures, got ${describeValue(f)}`);
    this.#total = this.#remaining = unique.size;
    const pending: F[] = [];
    // Finished ones first, as Python's as_completed does.
    for (const f of unique) (f.done() ? this.#ready : pending).push(f);
    const onDone = (f: Future<unknown>) => this.#arrive(f as F);
    for (const f of pending) f.addDoneCallback(onDone);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<F, undefined>> {
    if (this.#closed) return Promise.resolve(DONE);
    if (this.#head < this.#ready.length) return Promise.resolve(this.#take());
    if (this.#remaining === 0) {
      this.#close();
      return Promise.resolve(DONE);
    }
    if (this.#waiter) return Promise.reject(new TypeError("asCompleted: next() called again before the previous call settled"));
    const left = this.#deadline - performance.now();
    if (left <= 0) return Promise.reject(this.#timeoutError());
    return new Promise((resolve, reject) => {
      this.#waiter = resolve;
      this.#rejectWaiter = reject;
      if (this.#deadline !== Infinity) {
        this.#timer = setTimeout(() => {
          const rejectWaiter = this.#rejectWaiter;
          this.#waiter = this.#rejectWaiter = this.#timer = undefined;
          const error = this.#timeoutError();
          this.#close();
          rejectWaiter?.(error);
        }, left);
      }
    });
  }

  return(): Promise<IteratorResult<F, undefined>> {
    this.#close();
    return Promise.resolve(DONE);
  }

  #take(): IteratorResult<F, undefined> {
    const f = this.#ready[this.#head]!;
    this.#ready[this.#head++] = undefined as unknown as F; // let it be collected
    if (this.#head > 1024 && this.#head * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#head);
      this.#head = 0;
    }
    this.#remaining--;
    return { done: false, value: f };
  }

  #arrive(f: F): void {
    if (this.#closed) return;
    this.#ready.push(f);
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = this.#rejectWaiter = undefined;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      waiter(this.#take());
    }
  }

  #timeoutError(): TimeoutError {
    const left = this.#remaining - (this.#ready.length - this.#head);
    return new TimeoutError(`${left} (of ${this.#total}) futures unfinished`);
  }

  #close(): void {
    this.#closed = true;
    this.#ready = [];
    this.#head = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

/**
 * Yield the futures as they complete: those already done first, each future once (even if
 * given twice). With `timeout`, `next()` rejects with {@link TimeoutError} once that many ms
 * have passed since the call and futures remain.
 *
 * `for await (const f of asCompleted(fs))` gives `f` the future's own type.
 */
export function asCompleted<F extends Future<unknown>>(futures: Iterable<F>, options?: AsCompletedOptions): FutureIterator<F> {
  checkOptions(options, ["timeout"], "asCompleted");
  const timeout = options?.timeout ?? Infinity;
  checkTimeout(timeout, "asCompleted timeout");
  if (futures == null || typeof (futures as Iterable<F>)[Symbol.iterator] !== "function") {
    throw new TypeError("asCompleted expects an iterable of futures");
  }
  return new AsCompleted(futures, timeout);
}
