import type { BenchCase, BenchResultFile, RuntimeName, SuiteName } from "@concurrent/bench-schema";
import { fmtDate, shortSha } from "./format.js";
import type { LoadedFile, Results } from "./load.js";

export const RUNTIME_LABEL: Record<RuntimeName, string> = { node: "Node", bun: "Bun", deno: "Deno" };

/** Every run of `suite` on `runtime`, oldest first. */
export function runsOf(results: Results, suite: SuiteName, runtime: RuntimeName): LoadedFile[] {
  return results.files
    .filter((f) => f.result.suite === suite && f.result.runtime.name === runtime)
    .sort((a, b) => Date.parse(a.result.date) - Date.parse(b.result.date));
}

/** The run a view plots: the newest full run, else the newest CI run. */
export function latestRun(results: Results, suite: SuiteName, runtime: RuntimeName): LoadedFile | undefined {
  const runs = runsOf(results, suite, runtime);
  const full = runs.filter((f) => f.result.mode === "full");
  return (full.length ? full : runs).at(-1);
}

export const isOk = (c: BenchCase): boolean => (c.status ?? "ok") === "ok" && c.stats !== undefined;

/** "Node 24.9.0 on AMD EPYC (8 CPUs, linux x64, 32 GB), 2025-11-25 10:00 UTC, commit a1b2c3d, full run" */
export function describeRun(r: BenchResultFile): string {
  const m = r.machine;
  const gb = m.memoryMB >= 1024 ? `${Math.round(m.memoryMB / 1024)} GB` : `${m.memoryMB} MB`;
  return (
    `${RUNTIME_LABEL[r.runtime.name]} ${r.runtime.version} on ${m.cpuModel} (${m.cpus} CPUs, ${m.os} ${
      m.arch
    }, ${gb}), ` + `${fmtDate(r.date)}, commit ${shortSha(r.commit)}, ${r.mode} run`
  );
}

/** Distinct values in first-seen order. */
export const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];
