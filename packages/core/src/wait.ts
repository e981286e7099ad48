import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, type ReturnWhen } from "./constants.js";
import type { Future } from "./future.js";
import { hasFailed, isFuture } from "./future.js";
import { checkOptions, checkTimeout, describeValue } from "./validate.js";

/** Options of {@link wait}. */
export interface WaitOptions {
  /** ms to wait at most; then the promise resolves with what is done so far. @default Infinity */
  timeout?: number;
  /** When to return. @default ALL_COMPLETED */
  returnWhen?: ReturnWhen;
}

/** What {@link wait} resolves with, as Python's `DoneAndNotDoneFutures`. */
export interface WaitResult<F> {
  /** The futures done (finished or cancelled) when `wait` returned. */
  done: Set<F>;
  /** The futures still pending or running when `wait` returned. */
  notDone: Set<F>;
}

const RETURN_WHEN: readonly string[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];

/**
 * Wait for the futures, as Python's `concurrent.futures.wait`: resolves with the sets of
 * done and not-done futures when `returnWhen` is met or `timeout` ms pass (no error on
 * timeout: the futures still pending are in `notDone`).
 */
export function wait<F extends Future<unknown>>(futures: Iterable<F>, options?: WaitOptions): Promise<WaitResult<F>> {
  checkOptions(options, ["timeout", "returnWhen"], "wait");
  const timeout = options?.timeout ?? Infinity;
  checkTimeout(timeout, "wait timeout");
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  if (!RETURN_WHEN.includes(returnWhen)) {
    throw new RangeError(`wait: returnWhen must be one of ${RETURN_WHEN.join(", ")}, got ${String(returnWhen)}`);
  }
  if (futures == null || typeof (futures as Iterable<F>)[Symbol.iterator] !== "function") {
    throw new TypeError("wait expects an iterable of futures");
  }
  const all = new Set(futures);
  for (const f of all) if (!isFuture(f)) throw new TypeError(`wait expects futures, got ${describeValue(f)}`);
  const done = new Set<F>();
  const notDone = new Set<F>();
  for (const f of all) (f.done() ? done : notDone).add(f);

  const satisfied = (): boolean => {
    if (notDone.size === 0) return true;
    if (returnWhen === FIRST_COMPLETED) return done.size > 0;
    if (returnWhen === FIRST_EXCEPTION) for (const f of done) if (hasFailed(f)) return true;
    return false;
  };
  if (satisfied() || timeout === 0) return Promise.resolve({ done, notDone });

  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      // Report the state at the moment of return, not at the moment of the call.
      const doneNow = new Set<F>();
      const notDoneNow = new Set<F>();
      for (const f of all) (f.done() ? doneNow : notDoneNow).add(f);
      resolve({ done: doneNow, notDone: notDoneNow });
    };
    const onDone = (f: Future<unknown>) => {
      if (settled) return;
      notDone.delete(f as F);
      done.add(f as F);
      if (notDone.size === 0 || returnWhen === FIRST_COMPLETED || (returnWhen === FIRST_EXCEPTION && hasFailed(f))) finish();
    };
    for (const f of [...notDone]) f.addDoneCallback(onDone);
    if (timeout !== Infinity) timer = setTimeout(finish, timeout);
  });
}
