import { cpus, totalmem, platform, arch } from "node:os";
import type { MachineInfo, RuntimeName } from "@concurrent/bench-schema";

interface RuntimeGlobals {
  Bun?: { version: string };
  Deno?: { version: { deno: string } };
}
const g = globalThis as unknown as RuntimeGlobals;

/** Which runtime this process is, by its own globals (Bun and Deno also define `process`). */
export function runtimeName(): RuntimeName {
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return "node";
}

export function runtimeVersion(): string {
  if (g.Deno !== undefined) return g.Deno.version.deno;
  if (g.Bun !== undefined) return g.Bun.version;
  return process.versions.node;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() || "unknown",
    cpus: list.length || 1,
    os: platform(),
    arch: arch(),
    memoryMB: Math.round(totalmem() / 2 ** 20),
  };
}

/** Logical CPUs: what "all cores" means in the CPU-bound targets. */
export function cpuCount(): number {
  return Math.max(1, cpus().length);
}

/**
 * How to start another script on this same runtime: Deno needs `run -A`, Node and Bun take
 * the file directly. `process.execPath` is the runtime's own binary on all three.
 */
export function selfCommand(script: string, args: string[]): [string, string[]] {
  if (runtimeName() === "deno") return [process.execPath, ["run", "-A", "--no-check", script, ...args]];
  return [process.execPath, [script, ...args]];
}

/** Resident set size, MB. */
export function rssMB(): number {
  return process.memoryUsage.rss() / 2 ** 20;
}

/** Ask for a full GC where the runtime offers one (node --expose-gc, Bun.gc), so RSS readings settle. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const bun = (globalThis as { Bun?: { gc?: (sync: boolean) => void } }).Bun;
  bun?.gc?.(true);
}
