import { CancelledError } from "../errors.js";
import type { Future } from "../future.js";
import { Queue } from "../queue.js";
import type { TaskStream } from "./task-stream.js";

/** What the consumer side tells the producer (an executor implements it per stream). */
export interface StreamControl {
  /** The consumer took `n` more values: the producer may yield `n` more. */
  grant(n: number): void;
  /**
   * Stop the producer: run the task's iterator `return()` where it runs, then settle the
   * future with `reason` (unless the task had already ended by itself).
   */
  close(reason: unknown): void;
  /** Shared credit cells, when the producer reads its credit there (see shared-credit.ts). */
  readonly cells?: Int32Array;
}

type Waiter = { resolve(result: IteratorResult<unknown, undefined>): void; reject(error: unknown): void };

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The consumer side of a stream: the values that arrived and were not yet taken (never more
 * than `highWaterMark`), the `next()` calls waiting for one, and the credit owed to the
 * producer (granted in batches of half the high-water mark, so a fast stream costs one
 * credit message per half window, not one per value). The end of the stream is the
 * future's: once it is done and the values before it are taken, `next()` reports it.
 */
export class StreamBuffer<Y, R> implements TaskStream<Y, R> {
  readonly #values = new Queue<unknown>();
  readonly #waiters = new Queue<Waiter>();
  readonly #grantEvery: number;
  #owed = 0;
  /** open → returned (the consumer left) | ended (the consumer saw the end). */
  #state: "open" | "returned" | "ended" = "open";
  /** Why the stream was closed early (consumer or abort), if it was. */
  closeReason: unknown = undefined;

  constructor(
    readonly future: Future<R>,
    readonly highWaterMark: number,
    readonly control: StreamControl,
  ) {
    this.#grantEvery = Math.max(1, Math.floor(highWaterMark / 2));
    future.addDoneCallback(() => this.#onEnd());
  }

  /** True once the stream was closed early (by the consumer, a signal or a timeout). */
  get closing(): boolean {
    return this.closeReason !== undefined;
  }

  // ---- producer side -----------------------------------------------------------------

  /** One value from the producer. */
  push(value: unknown): void {
    if (this.#state !== "open") return; // the consumer left: values still in flight are dropped
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#taken();
      waiter.resolve({ done: false, value });
    } else this.#values.push(value);
  }

  /** Values `from..` of a frame message. */
  pushFrame(frame: readonly unknown[], from: number): void {
    for (let i = from; i < frame.length; i++) this.push(frame[i]);
  }

  /**
   * Close early for a reason other than the consumer leaving (a signal, a timeout): the
   * producer stops, and `next()` rejects with `reason` after the values already here.
   */
  abort(reason: unknown): void {
    if (this.future.done() || this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.control.close(reason);
  }

  // ---- consumer side -----------------------------------------------------------------

  next(): Promise<IteratorResult<Y, undefined>> {
    if (this.#values.size > 0) {
      const value = this.#values.shift() as Y;
      this.#taken();
      return Promise.resolve({ done: false, value });
    }
    if (this.#state !== "open") return Promise.resolve(DONE);
    if (this.future.done()) return this.#end();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject } as Waiter));
  }

  return(): Promise<IteratorResult<Y, undefined>> {
    if (this.#state === "open") {
      this.#state = "returned";
      this.#values.drain();
      for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) w.resolve(DONE);
      if (!this.future.done() && this.closeReason === undefined) {
        this.closeReason = new CancelledError("the stream was closed by its consumer");
        this.control.close(this.closeReason);
      }
    }
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  #taken(): void {
    if (++this.#owed >= this.#grantEvery && !this.future.done() && this.closeReason === undefined) {
      const n = this.#owed;
      this.#owed = 0;
      this.control.grant(n);
    }
  }

  // The future settled: waiting consumers get the end (the values before it were handed
  // out as they came, so a waiter means none is left).
  #onEnd(): void {
    if (this.#state !== "open") return;
    const first = this.#waiters.shift();
    if (first === undefined) return;
    this.#end().then(first.resolve, first.reject);
    for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) w.resolve(DONE);
  }

  // The first `next()` past the end reports how it ended; later ones are `done`.
  #end(): Promise<IteratorResult<Y, undefined>> {
    this.#state = "ended";
    return this.future.result().then(() => DONE);
  }
}

