import type { CallContext } from "../context.js";

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
  #controller: AbortController | undefined = undefined;
  #aborted = false;
  #reason: unknown = undefined;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  start(seq: number): void {
    this.seq = seq;
    if (this.#controller !== undefined || this.#aborted) {
      this.#controller = undefined;
      this.#aborted = false;
      this.#reason = undefined;
    }
  }

  finish(): void {
    this.seq = -1;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
