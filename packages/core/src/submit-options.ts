import { TimeoutError } from "./errors.js";
import type { SubmitOptions } from "./executor.js";
import type { Future } from "./future.js";
import { checkOptions, checkTimeout, describeValue } from "./validate.js";

/**
 * Checks `submitWith`'s options. Done before anything is scheduled: a call whose options
 * are rejected must not run.
 */
export function checkSubmitOptions(options: unknown): asserts options is SubmitOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`submitWith: options must be an object, got ${describeValue(options)}`);
  }
  checkOptions(options, ["signal", "timeout", "transfer"], "submitWith");
  const { signal, timeout, transfer } = options as SubmitOptions;
  if (timeout !== undefined) checkTimeout(timeout, "submitWith timeout");
  if (transfer !== undefined && !Array.isArray(transfer)) {
    throw new TypeError(`submitWith transfer must be an array, got ${describeValue(transfer)}`);
  }
  if (signal !== undefined && (signal === null || typeof signal !== "object" || typeof signal.addEventListener !== "function")) {
    throw new TypeError(`submitWith signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
}

/**
 * Calls `abort(reason)` once `signal` aborts (at once if it already has) or `timeout` ms
 * pass (with a TimeoutError), whichever comes first, unless the future is done by then;
 * the listener and the timer go when the future is done.
 */
export function abortOn(future: Future<unknown>, options: SubmitOptions, abort: (reason: unknown) => void): void {
  const { signal, timeout } = options;
  if (signal) {
    if (signal.aborted) {
      abort(signal.reason);
      return;
    }
    const onAbort = () => abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    future.addDoneCallback(() => signal.removeEventListener("abort", onAbort));
  }
  if (timeout !== undefined && timeout !== Infinity && !future.done()) {
    const timer = setTimeout(() => abort(new TimeoutError(`the call did not finish within ${timeout} ms`)), timeout);
    future.addDoneCallback(() => clearTimeout(timer));
  }
}
