// Defaults and checks for AutoLimitOptions. Wrong types are TypeErrors, values out of
// range are RangeErrors, and each message says what was given and what is allowed, as
// everywhere else in core (../validate.ts).

import { checkOptions, describeValue } from "../validate.js";
import type { AutoLimitOptions, LimitAlgorithm } from "./limit.js";

const where = "maxWorkers: \"auto\"";

export type ResolvedAutoLimitOptions = Required<AutoLimitOptions>;

export const autoLimitDefaults: Readonly<ResolvedAutoLimitOptions> = Object.freeze({
  initial: 4,
  min: 1,
  max: 1000,
  algorithm: "gradient",
  tolerance: 1.15,
  smoothing: 0.2,
  backoffRatio: 0.5,
  windowSize: 8,
  minWindow: 0,
  maxWindow: 1000,
  probeInterval: 30_000,
});

const algorithms: readonly LimitAlgorithm[] = ["gradient", "vegas", "aimd"];
const known = Object.keys(autoLimitDefaults);
/** Options that tune one algorithm only: giving them to another is a mistake worth naming. */
const onlyFor: Readonly<Record<string, LimitAlgorithm>> = { tolerance: "gradient", smoothing: "gradient" };

function checkNumber(value: unknown, name: string, allowed: string, ok: (n: number) => boolean): void {
  if (value === undefined) return;
  if (typeof value !== "number") throw new TypeError(`${where}: ${name} must be ${allowed}, got ${describeValue(value)}`);
  if (!ok(value)) throw new RangeError(`${where}: ${name} must be ${allowed}, got ${describeValue(value)}`);
}

/**
 * Throws a TypeError for an unknown option or a wrong type, and a RangeError for a value
 * out of range (min < 1, max < min, initial outside [min, max], NaN, …).
 */
export function validateAutoLimitOptions(options: unknown): void {
  checkOptions(options, known, where);
  if (options === undefined) return;
  const o = options as Record<string, unknown>;
  const integer = (n: number) => Number.isInteger(n) && n >= 1;
  checkNumber(o["min"], "min", "an integer ≥ 1", integer);
  checkNumber(o["max"], "max", "an integer ≥ 1", integer);
  checkNumber(o["initial"], "initial", "an integer ≥ 1", integer);
  checkNumber(o["windowSize"], "windowSize", "an integer ≥ 1", integer);
  checkNumber(o["tolerance"], "tolerance", "a finite number ≥ 1", (n) => Number.isFinite(n) && n >= 1);
  checkNumber(o["smoothing"], "smoothing", "a number in (0, 1]", (n) => n > 0 && n <= 1);
  checkNumber(o["backoffRatio"], "backoffRatio", "a number in [0.1, 1)", (n) => n >= 0.1 && n < 1);
  checkNumber(o["minWindow"], "minWindow", "a finite number of ms ≥ 0", (n) => Number.isFinite(n) && n >= 0);
  checkNumber(o["maxWindow"], "maxWindow", "a finite number of ms > 0", (n) => Number.isFinite(n) && n > 0);
  checkNumber(o["probeInterval"], "probeInterval", "a number of ms > 0 (Infinity for never)", (n) => n > 0);
  const algorithm = o["algorithm"];
  if (algorithm !== undefined && !algorithms.includes(algorithm as LimitAlgorithm)) {
    const message = `${where}: algorithm must be one of ${algorithms.map((a) => `"${a}"`).join(", ")}, got ${describeValue(algorithm)}`;
    throw typeof algorithm === "string" ? new RangeError(message) : new TypeError(message);
  }
  const r = { ...autoLimitDefaults, ...definedOnly(o) } as ResolvedAutoLimitOptions;
  if (r.max < r.min) throw new RangeError(`${where}: max must be ≥ min (${r.min}), got ${r.max}`);
  if (o["initial"] !== undefined && (r.initial < r.min || r.initial > r.max)) {
    throw new RangeError(`${where}: initial must be between min (${r.min}) and max (${r.max}), got ${r.initial}`);
  }
  if (r.maxWindow < r.minWindow) {
    throw new RangeError(`${where}: maxWindow must be ≥ minWindow (${r.minWindow}), got ${r.maxWindow}`);
  }
  for (const key of Object.keys(onlyFor)) {
    const owner = onlyFor[key];
    if (o[key] !== undefined && owner !== r.algorithm) {
      throw new TypeError(`${where}: ${key} applies to algorithm "${owner}" only, got algorithm "${r.algorithm}"`);
    }
  }
}

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) if (o[key] !== undefined) out[key] = o[key];
  return out;
}

/** Validates, then fills in every default (the default `initial` is kept within [min, max]). */
export function resolveAutoLimitOptions(options: unknown): ResolvedAutoLimitOptions {
  validateAutoLimitOptions(options);
  const given = options === undefined ? {} : definedOnly(options as Record<string, unknown>);
  const r = { ...autoLimitDefaults, ...given } as ResolvedAutoLimitOptions;
  if (given["initial"] === undefined) r.initial = Math.min(r.max, Math.max(r.min, r.initial));
  return r;
}
