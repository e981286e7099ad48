// Argument checks shared by every public entry point: wrong types are TypeErrors, values
// out of range are RangeErrors, and each message says what was given and what is allowed.

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (value === null) return "null";
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

/** A timeout in ms: a number ≥ 0 (Infinity means none). */
export function checkTimeout(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number of milliseconds, got ${describe(value)}`);
  if (Number.isNaN(value) || value < 0) {
    throw new RangeError(`${name} must be ≥ 0 milliseconds (or Infinity for none), got ${describe(value)}`);
  }
}

/** A whole number ≥ min. */
export function checkInteger(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${name} must be an integer ≥ ${min}, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${describe(value)}`);
  }
}

export function checkFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== "function") throw new TypeError(`${name} must be a function, got ${describe(value)}`);
}

export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
}

/** Throws a TypeError naming any option that is not in `known` (a typo must not pass silently). */
export function checkOptions(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option "${key}" (known: ${known.join(", ")})`);
    }
  }
}

export { describe as describeValue };
