/**
 * True for anything `await` would wait on: an object or a function with a callable `then`
 * (a promise from any realm or library). The one test every executor applies to what a
 * task or an initializer returns.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as PromiseLike<unknown>).then === "function";
}
