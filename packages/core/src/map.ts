import { CancelledError, TimeoutError } from "./errors.js";
import { ChunkError } from "./chunk-error.js";
import type { Executor, MapOptions, SubmitOptions, Task } from "./executor.js";
import { Future, hasFailed, resultOf } from "./future.js";
import { Queue } from "./queue.js";
import { isThenable } from "./thenable.js";
import { checkKey } from "./keys/options.js";
import { checkInteger, checkOptions, checkTimeout } from "./validate.js";

type AnyIterator<T> = Iterator<T> | AsyncIterator<T>;

function failed(error: unknown): Future<never> {
  const f = new Future<never>();
  f.setException(error);
  return f;
}

/**
 * The iterator `Executor.map` returns. Hand-written rather than an async generator so work
 * starts at the call, results can be taken without a generator frame per item, and the
 * input can be read lazily (`buffersize`) from sync or async iterables.
 */
export class MapIterator<T, R> implements AsyncIterableIterator<R> {
  readonly #executor: Executor;
  readonly #fn: Task<[T], unknown>;
  readonly #chunksize: number;
  readonly #buffersize: number;
  readonly #deadline: number;
  readonly #timeout: number;
  /** `{ key }` when map was given one: every call goes through submitWith with it. */
  readonly #with: { key: string } | undefined;
  // One future per task: a call's value, or (chunked) an array of values.
  readonly #slots = new Queue<Future<unknown>>();
  #source: AnyIterator<T> | undefined;
  #async: boolean;
  #sourceDone = false;
  #closed = false;
  #index = 0;
  // Values of the chunk being handed out, and the error that ended it early.
  #values: unknown[] | undefined = undefined;
  #valueIndex = 0;
  #valuesError: ChunkError | undefined = undefined;
  // Async sources: the pump waits for room, the consumer waits for a slot.
  #wakePump: (() => void) | undefined = undefined;
  #wakeConsumer: (() => void) | undefined = undefined;
  #pumping = false;
  #busy: Promise<unknown> | undefined = undefined;
  #first = true;

  constructor(executor: Executor, fn: Task<[T], unknown>, items: Iterable<T> | AsyncIterable<T>, options: MapOptions | undefined) {
    checkOptions(options, ["timeout", "chunksize", "buffersize", "key"], "map");
    if (typeof fn !== "function" && (typeof fn !== "object" || fn === null)) {
      throw new TypeError(`map: fn must be a function or a module task, got ${String(fn)}`);
    }
    const timeout = options?.timeout ?? Infinity;
    checkTimeout(timeout, "map timeout");
    if (options?.chunksize !== undefined) checkInteger(options.chunksize, "map chunksize", 1);
    const buffersize = options?.buffersize ?? Infinity;
    if (buffersize !== Infinity) checkInteger(buffersize, "map buffersize", 1);
    if (options?.key !== undefined) checkKey(options.key, "map key");
    this.#with = options?.key === undefined ? undefined : { key: options.key };
    this.#executor = executor;
    this.#fn = fn;
    this.#timeout = timeout;
    this.#deadline = timeout === Infinity ? Infinity : performance.now() + timeout;
    if (items != null && typeof (items as Iterable<T>)[Symbol.iterator] === "function") {
      this.#source = (items as Iterable<T>)[Symbol.iterator]();
      this.#async = false;
    } else if (items != null && typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] === "function") {
      this.#source = (items as AsyncIterable<T>)[Symbol.asyncIterator]();
      this.#async = true;
    } else {
      throw new TypeError("map: items must be an iterable or an async iterable");
    }
    let chunksize = executor._chunksize(items, options?.chunksize, fn as Task<[unknown], unknown>);
    let slots = buffersize;
    if (options?.chunksize === undefined && buffersize !== Infinity && chunksize > 1) {
      // An automatic chunksize is the executor's business, so buffersize counts items, as
      // in Python: at most `buffersize` items are read ahead of the consumer, in at least
      // two chunks when buffersize allows (one runs while the next is sent).
      chunksize = Math.min(chunksize, Math.max(1, Math.floor(buffersize / 2)));
      slots = Math.max(1, Math.floor(buffersize / chunksize));
    }
    this.#chunksize = chunksize;
    this.#buffersize = slots;
    if (this.#with !== undefined && this.#chunksize > 1) {
      throw new TypeError("map key applies only to AsyncPoolExecutor with perKey (calls sent in chunks have no key)");
    }
    if (this.#async) void this.#pump();
    else this.#fill();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<R, undefined>> {
    if (this.#busy === undefined) {
      // Fast path, no async frame: the next value is already here.
      const values = this.#values;
      if (values !== undefined && this.#valueIndex < values.length) {
        this.#index++;
        return Promise.resolve({ done: false, value: values[this.#valueIndex++] as R });
      }
      const slot = values === undefined ? this.#slots.peek() : undefined;
      if (slot !== undefined && slot.state === "finished" && !hasFailed(slot)) {
        this.#slots.shift();
        this.#refill();
        if (this.#chunksize > 1) {
          this.#values = resultOf(slot) as unknown[];
          this.#valueIndex = 0;
          return this.next();
        }
        this.#index++;
        return Promise.resolve({ done: false, value: resultOf(slot) as R });
      }
    }
    // Calls are served one at a time, in order, as an async generator would.
    const run = this.#busy ? this.#busy.then(() => this.#next(), () => this.#next()) : this.#next();
    const busy = run.then(
      () => {
        if (this.#busy === busy) this.#busy = undefined;
      },
      () => {
        if (this.#busy === busy) this.#busy = undefined;
      },
    );
    this.#busy = busy;
    return run;
  }

  return(): Promise<IteratorResult<R, undefined>> {
    this.#close();
    return Promise.resolve({ done: true, value: undefined });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#close();
  }

  async #next(): Promise<IteratorResult<R, undefined>> {
    for (;;) {
      if (this.#values !== undefined) {
        if (this.#valueIndex < this.#values.length) {
          this.#index++;
          return { done: false, value: this.#values[this.#valueIndex++] as R };
        }
        this.#values = undefined;
        const chunkError = this.#valuesError;
        if (chunkError) {
          this.#valuesError = undefined;
          this.#close();
          throw chunkError.error;
        }
      }
      if (this.#closed) return { done: true, value: undefined };
      const slot = this.#slots.peek();
      if (slot === undefined) {
        if (this.#sourceDone) {
          this.#close();
          return { done: true, value: undefined };
        }
        await this.#waitForInput();
        continue;
      }
      if (!slot.done()) {
        const left = this.#deadline - performance.now();
        if (left <= 0) this.#timedOut();
        try {
          await (this.#deadline === Infinity ? slot.result() : slot.result(left));
        } catch (error) {
          if (error instanceof TimeoutError && !slot.done()) this.#timedOut();
          // the slot's own outcome is handled below
        }
      }
      this.#slots.shift();
      this.#refill();
      let value: unknown;
      try {
        value = await slot;
      } catch (error) {
        if (error instanceof ChunkError) {
          this.#values = error.values;
          this.#valueIndex = 0;
          this.#valuesError = error;
          continue;
        }
        this.#close();
        if (slot.cancelled() && !(error instanceof CancelledError)) throw new CancelledError();
        throw error;
      }
      if (this.#chunksize > 1) {
        this.#values = value as unknown[];
        this.#valueIndex = 0;
        continue;
      }
      this.#index++;
      return { done: false, value: value as R };
    }
  }

  // The consumer waits for the input (an async iterable that has not yielded yet): the
  // timeout covers this wait too, so an input that stalls cannot hang next().
  #waitForInput(): Promise<void> {
    const left = this.#deadline - performance.now();
    if (left <= 0) this.#timedOut();
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.#wakeConsumer = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      if (left === Infinity) return;
      timer = setTimeout(() => {
        this.#wakeConsumer = undefined;
        try {
          this.#timedOut();
        } catch (error) {
          reject(error);
        }
      }, left);
    });
  }

  #timedOut(): never {
    this.#close();
    throw new TimeoutError(`map: result ${this.#index} was not ready within ${this.#timeout} ms of the map call`);
  }

  #submit(chunk: T[]): void {
    let slot: Future<unknown>;
    try {
      slot =
        this.#chunksize > 1
          ? this.#executor._submitChunk(this.#fn as Task<[unknown], unknown>, chunk)
          : this.#with === undefined
            ? this.#executor.submit(this.#fn, chunk[0] as T)
            : this.#executor.submitWith(this.#with as SubmitOptions, this.#fn, chunk[0] as T);
    } catch (error) {
      // The first call failing to schedule (ShutdownError, a task that is not a function)
      // fails the map call itself, as in Python; a later one is thrown where its result
      // would have been.
      if (this.#first && !this.#async) {
        this.#endSource();
        throw error;
      }
      slot = failed(error);
      this.#endSource();
    }
    this.#first = false;
    this.#slots.push(slot);
  }

  #fill(): void {
    const source = this.#source as Iterator<T>;
    while (!this.#sourceDone && !this.#closed && this.#slots.size < this.#buffersize) {
      const chunk: T[] = [];
      try {
        while (chunk.length < this.#chunksize) {
          const step = source.next();
          if (step.done) {
            this.#sourceDone = true;
            break;
          }
          chunk.push(step.value);
        }
      } catch (error) {
        this.#sourceFailed(chunk, error);
        return;
      }
      if (chunk.length > 0) this.#submit(chunk);
    }
  }

  // The input threw: the items read before the error still run, then its error is thrown
  // where the next result would have been.
  #sourceFailed(chunk: T[], error: unknown): void {
    if (chunk.length > 0) this.#submit(chunk);
    this.#slots.push(failed(error));
    this.#sourceDone = true;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    const source = this.#source as AsyncIterator<T>;
    try {
      while (!this.#sourceDone && !this.#closed) {
        if (this.#slots.size >= this.#buffersize) {
          await new Promise<void>((resolve) => (this.#wakePump = resolve));
          continue;
        }
        const chunk: T[] = [];
        try {
          while (chunk.length < this.#chunksize) {
            const step = await source.next();
            if (this.#closed) return;
            if (step.done) {
              this.#sourceDone = true;
              break;
            }
            chunk.push(step.value);
          }
        } catch (error) {
          this.#sourceFailed(chunk, error);
          break;
        }
        if (chunk.length > 0) this.#submit(chunk);
        this.#wake();
      }
    } finally {
      this.#pumping = false;
      this.#wake();
    }
  }

  #wake(): void {
    const wake = this.#wakeConsumer;
    this.#wakeConsumer = undefined;
    wake?.();
  }

  #refill(): void {
    if (this.#async) {
      const wake = this.#wakePump;
      this.#wakePump = undefined;
      wake?.();
    } else if (this.#buffersize !== Infinity) {
      this.#fill();
    }
  }

  #endSource(): void {
    if (this.#sourceDone) return;
    this.#sourceDone = true;
    try {
      const done = this.#source?.return?.();
      if (isThenable(done)) done.then(undefined, () => {});
    } catch {
      // the source's own cleanup failing must not hide the loop's outcome
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Python's map cancels every call not yet started when the loop ends early, the last
    // first (CPython's result_iterator reverses its list). Where each cancel is a round trip
    // (a queue's jobs), a worker that frees up meanwhile then takes the call next in line,
    // never one from the end whose removal has not landed yet.
    const slots = this.#slots.drain();
    for (let i = slots.length - 1; i >= 0; i--) slots[i]!.cancel();
    this.#values = undefined;
    this.#endSource();
    this.#wake();
    const wake = this.#wakePump;
    this.#wakePump = undefined;
    wake?.();
  }
}
