import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  SCHEMA_VERSION,
  validateResultFile,
  type BenchCase,
  type BenchResultFile,
  type JsonValue,
  type SuiteName,
} from "../results/index.js";
import type { Figure } from "./figures.js";
import { machineInfo, runtimeName, runtimeVersion } from "./runtime.js";

/** `benchmarks/results/`, or `BENCH_RESULTS_DIR` (tests write to a temporary folder). */
export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL("../../results/", import.meta.url));
}

export function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
  } catch {
    return null;
  }
}

export interface SuiteOutput {
  parameters: { [key: string]: JsonValue };
  cases: BenchCase[];
  figures: Figure[];
}

/** Builds the result file, validates it against the schema and writes it; returns its path. */
export function writeResult(suite: SuiteName, mode: "full" | "ci", startedAt: Date, output: SuiteOutput): string {
  const ratios: { [name: string]: number } = {};
  for (const f of output.figures) if (Number.isFinite(f.ratio)) ratios[f.name] = f.ratio;
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
