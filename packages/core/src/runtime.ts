// What core needs from the runtime it runs on, registered rather than named: core imports
// no node:*, and names no Deno or Bun. Each adapter package calls registerRuntime() when it
// loads; without one, core falls back to what every runtime has.
import { registerAsyncContext, type AsyncContext } from "./context.js";
import { usePlainFutures } from "./future.js";

/** The runtime's answers, all optional. */
export interface RuntimeHooks {
  /** CPUs this process may use (AsyncPoolExecutor's default). Fallback: `navigator.hardwareConcurrency`, else 1. */
  cpuCount?(): number;
  /**
   * Let `timer` not keep the process alive. Fallback: the timer's own `unref()` (Node, Bun);
   * Deno's timers are numbers, so its adapter registers `Deno.unrefTimer`.
   */
  unrefTimer?(timer: ReturnType<typeof setTimeout>): void;
  /**
   * An async context (AsyncLocalStorage), so `currentSignal()` follows a call across its
   * awaits (see context.ts). A worker entry registers its own with `registerAsyncContext`.
   */
  asyncContext?: AsyncContext;
  /**
   * Make futures plain objects that make a promise on first use, instead of promises: for an
   * engine where `then` on a promise subclass (and so `Promise.all` over futures) takes a
   * slow path. Bun's adapter sets it (see future.ts, usePlainFutures).
   */
  plainFutures?: boolean;
}

const hooks: RuntimeHooks = {};

/** Called by an adapter when it loads; a later registration replaces the hooks it names. */
export function registerRuntime(runtime: RuntimeHooks): void {
  if (runtime.cpuCount) hooks.cpuCount = runtime.cpuCount;
  if (runtime.unrefTimer) hooks.unrefTimer = runtime.unrefTimer;
  if (runtime.asyncContext) registerAsyncContext(runtime.asyncContext);
  if (runtime.plainFutures) usePlainFutures();
}

export function defaultCpuCount(): number {
  const n = hooks.cpuCount?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}

/** A timer that does not keep the process alive. */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  if (hooks.unrefTimer) hooks.unrefTimer(timer);
  else (timer as { unref?: () => void }).unref?.();
}
