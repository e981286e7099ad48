// Option checks: a wrong type is a TypeError, a value out of range a RangeError, and an
// unknown option a TypeError that names it (a typo must not pass silently).

export function checkOptions(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option "${key}" (known: ${known.join(", ")})`);
  }
}

export function checkQueueName(value: unknown, where: string): asserts value is string {
  if (typeof value !== "string" || value === "") throw new TypeError(`${where}: queue must be a non-empty string (the BullMQ queue name)`);
  if (value.includes(":")) throw new TypeError(`${where}: queue name ${JSON.stringify(value)} must not contain ":" (BullMQ uses it in its keys)`);
}

export function checkSecret(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${where}: secret must be a non-empty string`);
}

export function checkTimeoutOption(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number of milliseconds`);
  if (Number.isNaN(value) || value < 0) throw new RangeError(`${name} must be ≥ 0 milliseconds, got ${value}`);
}

export function checkPositiveInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${name} must be an integer ≥ 1`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
}

export function checkBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
}
