// The per-key options of AsyncPoolExecutor, checked and resolved in one place. Wrong types
// are TypeErrors, values out of range RangeErrors, and each message names the option, as
// everywhere else in core (../validate.ts).

import { checkFunction, checkInteger, checkTimeout, describeValue } from "../validate.js";

/** What the per-key options resolve to (the executor keeps nothing else of them). */
export interface KeyOptions {
  /** `"auto"`: each key gets its own adaptive limit; a number: each key's fixed limit. */
  perKey: number | "auto";
  /** Derives a call's key from its arguments when the call gives none. */
  keyOf: ((...args: unknown[]) => unknown) | undefined;
  /** ms a key may stay without calls before it is forgotten. */
  idleTimeout: number;
  /** The most keys without calls kept at once (the longest idle are forgotten first). */
  maxIdle: number;
}

/**
 * A key with no calls is forgotten after this long. Long enough that a key called every
 * few seconds keeps what its `"auto"` limit learned; short enough that a crawler's
 * thousands of one-off hosts do not linger.
 */
export const defaultKeyIdleTimeout = 60_000;

/**
 * At most this many keys without calls are remembered. A key costs about 1.5 kB (its
 * queue, its latency window, its limit), so this caps idle keys near 1.5 MB however many
 * distinct keys pass through.
 */
export const defaultMaxIdleKeys = 1_000;

const where = "AsyncPoolExecutor";

/**
 * Checks `perKey`, `keyOf`, `keyIdleTimeout` and `maxIdleKeys`; undefined when `perKey` is
 * not given (the executor then has no keys at all, and the others must not be given either).
 */
export function resolveKeyOptions(o: { perKey?: unknown; keyOf?: unknown; keyIdleTimeout?: unknown; maxIdleKeys?: unknown } | undefined): KeyOptions | undefined {
  const perKey = o?.perKey;
  if (perKey === undefined) {
    for (const name of ["keyOf", "keyIdleTimeout", "maxIdleKeys"] as const) {
      if (o?.[name] !== undefined) throw new TypeError(`${where} ${name} applies only with perKey (a number or "auto")`);
    }
    return undefined;
  }
  if (perKey !== "auto") {
    if (typeof perKey === "string") throw new RangeError(`${where} perKey must be an integer ≥ 1 or "auto", got ${describeValue(perKey)}`);
    checkInteger(perKey, `${where} perKey`, 1);
  }
  if (o?.keyOf !== undefined) checkFunction(o.keyOf, `${where} keyOf`);
  const idleTimeout = o?.keyIdleTimeout ?? defaultKeyIdleTimeout;
  checkTimeout(idleTimeout, `${where} keyIdleTimeout`);
  const maxIdle = o?.maxIdleKeys ?? defaultMaxIdleKeys;
  if (maxIdle !== Infinity) checkInteger(maxIdle, `${where} maxIdleKeys`, 0);
  return { perKey: perKey as number | "auto", keyOf: o?.keyOf as KeyOptions["keyOf"], idleTimeout, maxIdle: maxIdle as number };
}

/** A call's key as given to submitWith or map: a string, or a TypeError naming `where`. */
export function checkKey(key: unknown, name: string): asserts key is string {
  if (typeof key !== "string") throw new TypeError(`${name} must be a string, got ${describeValue(key)}`);
}
