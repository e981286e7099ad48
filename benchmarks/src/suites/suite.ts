import type { BenchCase, Figure, JsonValue, SuiteName } from "@concurrent/bench-schema";
import type { Progress } from "../harness/progress.js";

export interface SuiteContext {
  mode: "full" | "ci";
  progress: Progress;
  /** Logical CPUs of this machine. */
  cpus: number;
  /** Run only cases whose group or name contains this (used by the gate's test). */
  only?: string;
}

/** What a suite's run measured: its knobs and its cases (see `BenchCase`). */
export interface SuiteOutput {
  parameters: { [key: string]: JsonValue };
  cases: BenchCase[];
  /** Only for a suite without a `figures` function. */
  figures?: Figure[];
}

/**
 * A suite: one file in src/suites/, listed in src/suites/index.ts. `run` measures and returns
 * the cases; `figures` derives the comparisons (ours / reference) from those cases alone, so
 * they can be recomputed from a result file (`cli.js refigure`). A figure takes its target
 * from the targets table of @concurrent/bench-schema.
 */
export interface Suite {
  name: SuiteName;
  /** One line: what it measures (the CLI's `list`). */
  description: string;
  run(context: SuiteContext): Promise<SuiteOutput>;
  figures?(cases: BenchCase[], machine: { cpus: number }): Figure[];
}

export function selected(context: SuiteContext, ...names: string[]): boolean {
  return context.only === undefined || names.some((n) => n.includes(context.only!));
}
