// The one runtime fact core needs outside a worker pool: the CPU count, for
// AsyncPoolExecutor's default. Core cannot ask the runtime itself (no node:os here), so
// an adapter registers its answer when it loads; `navigator.hardwareConcurrency` (Deno,
// Bun, Node ≥ 21) is the fallback.

let cpuCount: (() => number) | undefined;

/** Called by an adapter when it loads. */
export function registerCpuCount(fn: () => number): void {
  cpuCount = fn;
}

export function defaultCpuCount(): number {
  const n = cpuCount?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}
