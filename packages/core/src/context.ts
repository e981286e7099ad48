// currentSignal(): the running call's AbortSignal, read from inside the task.
//
// "Which call is running" survives an `await` only through an async context, and core
// names no runtime, so it cannot import node:async_hooks. The contract is the same as
// pool/adapter.ts's: each adapter package (node, bun, deno — all three have
// `node:async_hooks`' AsyncLocalStorage) registers one when it loads, on the host side and
// in its worker entry. Without one, an executor still sets `current` around the synchronous
// part of each call, so a signal read before the task's first `await` is right everywhere.
//
// The state lives on globalThis under a registered symbol, not in this module: a task module
// that imports a second copy of core (another path to the same package) must still see the
// call its worker is running.

/** What an adapter registers: AsyncLocalStorage's `run` and `getStore`, nothing more. */
export interface AsyncContext {
  run<R, A extends unknown[]>(store: CallContext, fn: (...args: A) => R, ...args: A): R;
  getStore(): CallContext | undefined;
}

/** What an executor knows of a running call: its signal, made on first use. */
export interface CallContext {
  readonly signal: AbortSignal;
}

interface ContextState {
  hook: AsyncContext | undefined;
  /** Whether executors run calls through `hook` (see {@link asyncContext}). */
  active: boolean;
  current: CallContext | undefined;
}

const KEY = Symbol.for("@concurrent/futures:context");

function state(): ContextState {
  const g = globalThis as { [KEY]?: ContextState };
  return (g[KEY] ??= { hook: undefined, active: false, current: undefined });
}

const shared = state();

/** Called by an adapter when it loads (host side and worker entry). The first one wins. */
export function registerAsyncContext(hook: AsyncContext): void {
  shared.hook ??= hook;
}

/**
 * @internal The registered async context, once this process uses cancellation: after its
 * first `currentSignal()` call or `submitWith` on an AsyncPoolExecutor. Until then calls run
 * without it, because an async context costs every call (on Node 20 AsyncLocalStorage turns
 * on promise hooks for the whole process: a trivial async-pool call took 1.8x as long).
 * Before that, a task whose own source names `currentSignal` turns it on: see contextFor.
 */
export function asyncContext(): AsyncContext | undefined {
  return shared.active ? shared.hook : undefined;
}

// Functions already looked at by contextFor: the last one unboxed (most submits repeat it).
let lastLooked: unknown = undefined;
const looked = new WeakSet<object>();

/**
 * @internal For a call about to start while the context is not in use yet: a task whose own
 * source names `currentSignal` turns it on (and runs through it), so the common case — a task
 * that reads its signal after an `await` — is right from its first call, and a process that
 * never cancels anything still pays nothing. Only a task that reaches `currentSignal()`
 * through another function, after an `await`, on its process's first cancellable call, is
 * left without it (the TypeError then says what to do).
 */
export function contextFor(fn: object): AsyncContext | undefined {
  const hook = shared.hook;
  if (hook === undefined || fn === lastLooked) return undefined;
  lastLooked = fn;
  if (looked.has(fn)) return undefined;
  looked.add(fn);
  if (!Function.prototype.toString.call(fn).includes("currentSignal")) return undefined;
  shared.active = true;
  return hook;
}

/** @internal From now on, executors run calls through the registered async context. */
export function useAsyncContext(): void {
  shared.active = true;
}

/**
 * @internal Make `call` the current one until the next {@link setCurrentCall}; returns the
 * one it replaces, for the caller to put back.
 */
export function setCurrentCall(call: CallContext | undefined): CallContext | undefined {
  const previous = shared.current;
  shared.current = call;
  return previous;
}

/**
 * The running call's `AbortSignal`, inside a task on any executor: it aborts when the
 * caller's `signal` aborts, the call's run-time `timeout` runs out, or the pool is
 * terminated. A task that sees it abort should clean up and return (within `grace`).
 * @throws {TypeError} outside a task.
 */
export function currentSignal(): AbortSignal {
  const wasActive = shared.active;
  shared.active = true;
  const call = shared.hook?.getStore() ?? shared.current;
  if (call === undefined) {
    throw new TypeError(
      "currentSignal() was called outside a task: only a function running on an executor has a current signal" +
        (shared.hook !== undefined && !wasActive
          ? " (if this is a task that reached it through another function after an await: read currentSignal() before the first await, or submit it with submitWith)"
          : ""),
    );
  }
  return call.signal;
}
