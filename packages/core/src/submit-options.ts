import { TimeoutError } from "./errors.js";
import type { SubmitOptions } from "./executor.js";
import type { Future } from "./future.js";
import { checkOptions, checkTimeout, describeValue } from "./validate.js";

/** ms an aborted running call gets to return by itself before it is stopped by force. */
export const DEFAULT_GRACE = 1000;

/**
 * Checks `submitWith`'s options. Done before anything is scheduled: a call whose options
 * are rejected must not run.
 */
export function checkSubmitOptions(options: unknown): asserts options is SubmitOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`submitWith: options must be an object, got ${describeValue(options)}`);
  }
  checkOptions(options, ["signal", "timeout", "queueTimeout", "grace", "transfer"], "submitWith");
  const { signal, timeout, queueTimeout, grace, transfer } = options as SubmitOptions;
  if (timeout !== undefined) checkTimeout(timeout, "submitWith timeout");
  if (queueTimeout !== undefined) checkTimeout(queueTimeout, "submitWith queueTimeout");
  if (grace !== undefined) checkTimeout(grace, "submitWith grace");
  if (transfer !== undefined && !Array.isArray(transfer)) {
    throw new TypeError(`submitWith transfer must be an array, got ${describeValue(transfer)}`);
  }
  if (signal !== undefined && (signal === null || typeof signal !== "object" || typeof signal.addEventListener !== "function")) {
    throw new TypeError(`submitWith signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
}

/** The TimeoutError of a call that ran longer than its `timeout`. */
export function runTimeoutError(timeout: number): TimeoutError {
  return new TimeoutError(`the call ran longer than its timeout (${timeout} ms of run time)`);
}

/**
 * The part of `submitWith` every executor shares: calls `abort(reason)` once `signal`
 * aborts (at once if it already has), or — with a `TimeoutError` — once `queueTimeout` ms
 * pass while `waiting()` says the call has not started. The listener and the timer go when
 * the future is done. The run-time `timeout` is armed by the executor when the call starts
 * (see {@link armRunTimeout}): only it knows when that is.
 */
export function abortOn(
  future: Future<unknown>,
  options: SubmitOptions,
  abort: (reason: unknown) => void,
  waiting: () => boolean = () => future.state === "pending",
): void {
  const { signal, queueTimeout } = options;
  if (signal) {
    if (signal.aborted) {
      abort(signal.reason);
      return;
    }
    const onAbort = () => abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    future.addDoneCallback(() => signal.removeEventListener("abort", onAbort));
  }
  if (queueTimeout !== undefined && queueTimeout !== Infinity && !future.done()) {
    const timer = setTimeout(() => {
      if (!future.done() && waiting()) abort(new TimeoutError(`the call did not start within its queueTimeout (${queueTimeout} ms)`));
    }, queueTimeout);
    future.addDoneCallback(() => clearTimeout(timer));
  }
}

/** Calls `abort(TimeoutError)` `timeout` ms from now unless the future is done by then. Call it when the call starts. */
export function armRunTimeout(future: Future<unknown>, timeout: number | undefined, abort: (reason: unknown) => void): void {
  if (timeout === undefined || timeout === Infinity || future.done()) return;
  const timer = setTimeout(() => abort(runTimeoutError(timeout)), timeout);
  future.addDoneCallback(() => clearTimeout(timer));
}
