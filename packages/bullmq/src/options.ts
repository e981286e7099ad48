// The option checks only a queue has; the rest (unknown options, integers, timeouts,
// booleans) are core's, from @concurrent/core/kit, so every executor words them alike.

export function checkQueueName(value: unknown, where: string): asserts value is string {
  if (typeof value !== "string" || value === "") throw new TypeError(`${where}: queue must be a non-empty string (the BullMQ queue name)`);
  if (value.includes(":")) throw new TypeError(`${where}: queue name ${JSON.stringify(value)} must not contain ":" (BullMQ uses it in its keys)`);
}

export function checkSecret(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${where}: secret must be a non-empty string`);
}
