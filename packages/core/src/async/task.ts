import type { CallContext } from "../context.js";
import type { SubmitOptions } from "../executor.js";
import { Future } from "../future.js";
import type { KeyState } from "../keys/index.js";
import { abortedWith, controllerOf, type LazySignal } from "../lazy-signal.js";

/**
 * A call of an AsyncPoolExecutor, waiting for or holding a slot. The future itself: no other
 * per-call object. It is also the call's context for currentSignal(): the AbortController is
 * made only when the task asks for its signal, so a plain submit allocates nothing for it.
 */
export class AsyncTask<R> extends Future<R> implements CallContext {
  /**
   * When the call was submitted (set by AsyncRunner.enqueue) until it starts, then when it
   * started: one field for both, as nothing needs the first once the wait is recorded (a field
   * and, on V8, a boxed double less per call). Declared with a number so V8 keeps it a double
   * field.
   */
  startedAt = 0;

  constructor(
    readonly fn: (...args: unknown[]) => unknown,
    /** The one argument, when `args` is undefined (the common call: no array per call). */
    readonly arg: unknown,
    /** The arguments of a call that has not exactly one. */
    readonly args: unknown[] | undefined,
  ) {
    super();
  }
  /**
   * Calls in flight when this one started, itself included, for the adaptive limit: the
   * pool's, or with perKey its key's (see KeyedQueue.start).
   */
  inFlightAtStart = 0;
  /** submitWith's options (its run-time timeout is armed when the call starts). */
  limits: SubmitOptions | undefined = undefined;
  #abort: LazySignal = undefined;

  get signal(): AbortSignal {
    return (this.#abort = controllerOf(this.#abort)).signal;
  }

  /**
   * A call cannot be stopped here (it shares this thread): its future rejects now, its signal
   * aborts, and its slot is freed only when the function itself returns, so the downstream
   * never sees more calls than the limit. A pending call never runs.
   */
  abort(reason: unknown): void {
    if (this.done()) return;
    if (this.state === "pending") this.setRunningOrNotifyCancel();
    this.setException(reason);
    this.#abort = abortedWith(this.#abort, reason);
  }
  /** With perKey: this call's key (set by KeyedQueue.push). */
  key: KeyState<AsyncTask<unknown>> | undefined = undefined;
}
