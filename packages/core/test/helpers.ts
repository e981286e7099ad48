// Future builders shared by core's unit tests (sleep and throwsOrRejects: @concurrent/testkit/helpers).
import { Future } from "@concurrent/core";

/** A future already finished with `value`. */
export function finished<T>(value: T): Future<T> {
  const f = new Future<T>();
  f.setResult(value);
  return f;
}

/** A future already finished with `error`. */
export function failed(error: unknown = new Error("failed")): Future<never> {
  const f = new Future<never>();
  f.setException(error);
  return f;
}

/** A future already cancelled. */
export function cancelled(): Future<never> {
  const f = new Future<never>();
  f.cancel();
  return f;
}
