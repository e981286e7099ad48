import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  SCHEMA_VERSION,
  validateResultFile,
  type BenchCase,
  type BenchResultFile,
  type Figure,
  type JsonValue,
  type SuiteName,
} from "@concurrent/bench-schema";
import { machineInfo, runtimeName, runtimeVersion } from "./runtime.js";

/** `benchmarks/results/`, or `BENCH_RESULTS_DIR` (tests write to a temporary folder). */
export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL("../../results/", import.meta.url));
}

export function gitCommit(dir?: string): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { ...(dir ? { cwd: dir } : {}), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
  } catch {
    return null;
  }
}

/** Builds the result file, validates it against the schema and writes it; returns its path. */
export function writeResult(suite: SuiteName, mode: "full" | "ci", startedAt: Date, output: { parameters: { [key: string]: JsonValue }; cases: BenchCase[]; figures: Figure[] }): string {
  const figures = storedFigures(output.figures);
  const ratios: { [name: string]: number } = {};
  for (const f of figures) ratios[f.name] = f.ratio;
  const file: BenchResultFile = {
    schemaVersion: SCHEMA_VERSION,
    suite,
    runtime: { name: runtimeName(), version: runtimeVersion() },
    machine: machineInfo(),
    date: startedAt.toISOString(),
    commit: gitCommit(),
    mode,
    parameters: output.parameters,
    cases: output.cases,
    ratios,
    figures,
  };
  const check = validateResultFile(file);
  if (!check.ok) throw new Error(`the ${suite} result does not match the schema:\n  ${check.errors.join("\n  ")}`);
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  const path = join(dir, `${suite}-${runtimeName()}-${stamp}.json`);
  writeFileSync(path, JSON.stringify(file, null, 1) + "\n");
  return path;
}

/** The figures a file stores: the finite ones (JSON has no NaN), rounded to 6 significant digits. */
export function storedFigures(figures: Figure[]): Figure[] {
  const r = (x: number) => Number(x.toPrecision(6));
  return figures
    .filter((f) => Number.isFinite(f.ours) && Number.isFinite(f.reference) && Number.isFinite(f.ratio))
    .map((f) => ({ ...f, ours: r(f.ours), reference: r(f.reference), ratio: r(f.ratio) }));
}
