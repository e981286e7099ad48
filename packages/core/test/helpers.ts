// Helpers shared by core's unit tests.
import assert from "node:assert/strict";
import { Future } from "@concurrent/core";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

/** Bad input may throw at the call or reject the returned promise; either way: this error. */
export async function throwsOrRejects(fn: () => unknown, type: typeof TypeError | typeof RangeError, mentions: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof type, `expected a ${type.name}, got ${String(caught)}`);
  assert.match((caught as Error).message, mentions);
}
