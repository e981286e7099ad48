import type { CallContext } from "../context.js";
import { abortedWith, controllerOf, type LazySignal } from "../lazy-signal.js";

/**
 * The call a worker is running, as currentSignal() sees it. A worker runs one call at a time
 * (the runner waits for an async call before it starts the next), so one object serves every
 * call, and "the call running now" is right after any `await` inside it without an async
 * context. The AbortController is made only when the task asks for its signal: a call that
 * never does costs nothing.
 */
export class RunningCall implements CallContext {
  /** The call's number in this worker (see H_ABORT), or −1 between calls. */
  seq = -1;
  #abort: LazySignal = undefined;

  get signal(): AbortSignal {
    return (this.#abort = controllerOf(this.#abort)).signal;
  }

  start(seq: number): void {
    this.seq = seq;
    this.#abort = undefined;
  }

  finish(): void {
    this.seq = -1;
  }

  abort(reason: unknown): void {
    this.#abort = abortedWith(this.#abort, reason);
  }
}
