import type { SubmitOptions } from "../executor.js";
import { defaultCpuCount } from "../runtime.js";
import type { ExecutorStats } from "../stats.js";
import { checkKey, KeyedQueue, resolveKeyOptions, type KeyStats } from "../keys/index.js";
import { createLimit, autoLimitDefaults, validateAutoLimitOptions, type AutoLimitOptions, type ConcurrencyLimit } from "../sizing/index.js";
import { checkFunction, checkInteger, checkOptions, describeValue } from "../validate.js";
import type { AsyncTask } from "./task.js";

/** Options of {@link AsyncPoolExecutor}. */
export interface AsyncPoolOptions {
  /**
   * How many calls may be in flight at once, or `"auto"`: the limit adapts to the
   * downstream, rising while throughput rises and latency stays near its floor, falling
   * when latency climbs or calls fail (see `autoLimit`).
   * @default Math.min(32, cpus + 4), Python's ThreadPoolExecutor default
   */
  maxWorkers?: number | "auto";
  /** Bounds and algorithm of `maxWorkers: "auto"` and `perKey: "auto"`. @default { initial: 4, min: 1, max: 1000, algorithm: "gradient" } */
  autoLimit?: AutoLimitOptions;
  /**
   * A limit per key, inside `maxWorkers`: a call's key is `submitWith({ key })`'s, `map`'s
   * `{ key }`, or `keyOf(...args)`; calls without one share the key `""`. A number fixes
   * each key's in-flight limit; `"auto"` gives each key its own adaptive limit (see
   * `maxWorkers`), so one slow downstream cannot take a healthy one's slots. When
   * `maxWorkers` holds calls back, keys take turns (round-robin, one call per turn). With
   * both `"auto"`, the keys adapt and `maxWorkers` is a ceiling of `autoLimit.max`.
   * @default undefined (one limit for every call)
   */
  perKey?: number | "auto";
  /** With `perKey`: the key of a call that gives none, from its arguments (e.g. a URL's host). */
  keyOf?: (...args: never[]) => string;
  /** With `perKey`: ms a key without calls is remembered (with what its limit learned). @default 60000 */
  keyIdleTimeout?: number;
  /** With `perKey`: the most keys without calls remembered at once; the longest idle go first. @default 1000 */
  maxIdleKeys?: number;
  /** Runs once, before the first call; if it throws, the executor is broken. */
  initializer?: (...args: never[]) => unknown;
  /** Arguments for `initializer`. @default [] */
  initArgs?: readonly unknown[];
}

const OPTIONS = ["maxWorkers", "autoLimit", "initializer", "initArgs", "perKey", "keyOf", "keyIdleTimeout", "maxIdleKeys"];

/** `submitWith` options of {@link AsyncPoolExecutor}: the common ones, and a `key` with `perKey`. */
export interface AsyncPoolSubmitOptions extends SubmitOptions {
  /** The key this call counts against (`perKey`); calls without one share the key `""`. */
  key?: string;
}

/** `stats()` of {@link AsyncPoolExecutor}: with `perKey`, also each key's figures. */
export interface AsyncPoolStats extends ExecutorStats {
  /** With `perKey`: every key remembered now (with calls, or idle and not yet forgotten). */
  keys?: Record<string, KeyStats>;
}

/** What the options ask of the pool, checked: how its limits work and what runs first. */
export interface AsyncPoolPlan {
  /** The overall limit now (fixed, or where `auto` starts). */
  limit: number;
  /** maxWorkers "auto" (and perKey not "auto"): the adaptive overall limit. */
  auto: ConcurrencyLimit | undefined;
  /** With perKey: the keyed queue. */
  keys: KeyedQueue<AsyncTask<unknown>> | undefined;
  /** A watchdog runs while calls are in flight: maxWorkers or perKey is "auto". */
  watched: boolean;
  initializer: ((...args: unknown[]) => unknown) | undefined;
  initArgs: readonly unknown[];
}

/** Check AsyncPoolExecutor's options and say what they ask for. */
export function planAsyncPool(options: AsyncPoolOptions | undefined): AsyncPoolPlan {
  checkOptions(options, OPTIONS, "AsyncPoolExecutor");
  const maxWorkers = options?.maxWorkers ?? Math.min(32, defaultCpuCount() + 4);
  const keys = resolveKeyOptions(options);
  const keysAdapt = keys?.perKey === "auto";
  if (options?.autoLimit !== undefined && maxWorkers !== "auto" && !keysAdapt) {
    throw new TypeError('AsyncPoolExecutor autoLimit applies only with maxWorkers: "auto" or perKey: "auto"');
  }
  if (keysAdapt) validateAutoLimitOptions(options?.autoLimit);
  let auto: ConcurrencyLimit | undefined;
  let limit: number;
  if (maxWorkers === "auto" && keysAdapt) {
    // One adaptive layer: each key learns its own downstream. An overall limit fed by every
    // key's latency would read one slow key as overload of all (see keys/scheduler.ts).
    auto = undefined;
    limit = options?.autoLimit?.max ?? autoLimitDefaults.max;
  } else if (maxWorkers === "auto") {
    validateAutoLimitOptions(options?.autoLimit);
    auto = createLimit(options?.autoLimit);
    limit = auto.limit;
  } else {
    if (typeof maxWorkers === "string") {
      throw new RangeError(`AsyncPoolExecutor maxWorkers must be an integer ≥ 1 or "auto", got ${describeValue(maxWorkers)}`);
    }
    checkInteger(maxWorkers, "AsyncPoolExecutor maxWorkers", 1);
    auto = undefined;
    limit = maxWorkers;
  }
  if (options?.initializer !== undefined) checkFunction(options.initializer, "AsyncPoolExecutor initializer");
  if (options?.initArgs !== undefined && !Array.isArray(options.initArgs)) {
    throw new TypeError(`AsyncPoolExecutor initArgs must be an array, got ${describeValue(options.initArgs)}`);
  }
  return {
    limit,
    auto,
    keys: keys === undefined ? undefined : new KeyedQueue<AsyncTask<unknown>>(keys, options?.autoLimit),
    watched: auto !== undefined || keysAdapt,
    initializer: options?.initializer as ((...args: unknown[]) => unknown) | undefined,
    initArgs: options?.initArgs ?? [],
  };
}

/**
 * The `key` of submitWith/streamWith options: undefined if not given; a TypeError if not a
 * string or the pool has no perKey.
 */
export function keyIn(options: { key?: string }, hasKeys: boolean, where: string): string | undefined {
  if (options === null || typeof options !== "object" || !("key" in options)) return undefined;
  const key = options.key;
  if (key === undefined) return undefined;
  checkKey(key, `${where} key`);
  if (!hasKeys) throw new TypeError(`${where} key applies only to an AsyncPoolExecutor with perKey`);
  return key;
}

/** submitWith's options without `key`, for the checks every executor shares. */
export function withoutKey<T extends { key?: string }>(options: T): T | Omit<T, "key"> {
  if (options === null || typeof options !== "object" || !("key" in options)) return options;
  const { key: _key, ...rest } = options;
  return rest;
}
