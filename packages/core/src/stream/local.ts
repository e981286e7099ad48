import { CancelledError } from "../errors.js";
import { isThenable } from "../thenable.js";
import { pump, sourceOf, taskName, type ProducerSink } from "./produce.js";
import type { StreamBuffer, StreamControl } from "./buffer.js";

/** How `LocalStream.run` ends when its consumer left: the executor counts it cancelled and rejects with `reason`. */
export class ClosedEarly {
  constructor(readonly reason: unknown) {}
}

/**
 * A stream whose task runs in this thread (AsyncPoolExecutor): values go straight into the
 * consumer's buffer, credit straight back. `run` is the call the executor schedules; it
 * resolves with the task's return value, or rejects with the close reason once the task's
 * `return()` ran.
 */
export class LocalStream implements ProducerSink, StreamControl {
  credit: number;
  closed = false;
  buffer!: StreamBuffer<unknown, unknown>;
  #wake: (() => void) | undefined = undefined;

  constructor(
    readonly fn: (...args: unknown[]) => unknown,
    readonly args: unknown[],
    highWaterMark: number,
  ) {
    this.credit = highWaterMark;
  }

  readonly run = async (): Promise<unknown> => {
    let value = this.fn(...this.args);
    if (isThenable(value) && !(Symbol.asyncIterator in value)) {
      value = await value;
    }
    const end = await pump(sourceOf(value, taskName(this.fn)), this);
    if (end.closed) {
      const reason = this.buffer.closeReason ?? new CancelledError("the stream was closed");
      // Left by its consumer (break, return()): stats() counts it cancelled, as the worker
      // pool and the queue do; closed for another reason, failed.
      if (reason instanceof CancelledError) throw new ClosedEarly(reason);
      throw reason;
    }
    return end.value;
  };

  emit(value: unknown): void {
    this.buffer.push(value);
  }

  wait(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  grant(n: number): void {
    this.credit += n;
    this.#resume();
  }

  close(): void {
    this.closed = true;
    this.#resume();
  }

  #resume(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
