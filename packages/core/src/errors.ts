// Two copies of this package in one dependency tree (two versions, or ESM and a bundle) have
// two FuturesError classes; a plain `instanceof` would then fail on the other copy's errors.
// Every FuturesError carries this brand, and `instanceof` also accepts a branded error whose
// class chain has a class of the same name — as piscina and unstorage do.
const BRAND = Symbol.for("@concurrent/futures.error");

/**
 * Every error this library throws extends {@link FuturesError}: a stable `code` to test
 * against, the class name as `name`, and the `cause` kept.
 */
export class FuturesError extends Error {
  /** `instanceof` that also recognises the errors of another copy of this package (by brand and class name). */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
    for (let p = Object.getPrototypeOf(value) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
      if (BRAND in p && Object.hasOwn(p, "constructor") && (p as { constructor: { name: string } }).constructor.name === this.name) return true;
    }
    return false;
  }

  /** Stable, machine-readable code, e.g. `ERR_CANCELLED`. */
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code ?? "ERR_FUTURES";
  }
}
Object.defineProperty(FuturesError.prototype, BRAND, { value: true });

/** The result of a cancelled future was asked for. */
export class CancelledError extends FuturesError {
  constructor(message = "the future was cancelled", options?: { cause?: unknown }) {
    super(message, { ...options, code: "ERR_CANCELLED" });
  }
}

/** A `timeout` ran out. */
export class TimeoutError extends FuturesError {
  constructor(message = "the operation timed out", options?: { cause?: unknown }) {
    super(message, { ...options, code: "ERR_TIMEOUT" });
  }
}

/** A future was completed twice, or moved to a state it cannot reach from where it is. */
export class InvalidStateError extends FuturesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: "ERR_INVALID_STATE" });
  }
}

/** `submit` after `shutdown`. */
export class ShutdownError extends FuturesError {
  constructor(message = "cannot schedule new work after shutdown", options?: { cause?: unknown }) {
    super(message, { ...options, code: "ERR_SHUTDOWN" });
  }
}

/** The executor cannot run work any more (its initializer failed). */
export class BrokenExecutorError extends FuturesError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { code: "ERR_BROKEN_EXECUTOR", ...options });
  }
}

/**
 * The worker running the task died (exited, crashed, ran out of memory, was terminated).
 * A {@link BrokenExecutorError} as in Python, but only this task fails: the pool replaces
 * the worker.
 */
export class WorkerExitedError extends BrokenExecutorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: "ERR_WORKER_EXITED" });
  }
}

/** A queue worker refused a task it may not run (signature, `allowFunctions`, `modules`). */
export class UntrustedTaskError extends FuturesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: "ERR_UNTRUSTED_TASK" });
  }
}
