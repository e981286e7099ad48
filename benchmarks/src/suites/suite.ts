import type { SuiteName } from "../results/index.js";
import type { Progress } from "../harness/progress.js";
import type { SuiteOutput } from "../harness/results.js";

export interface SuiteContext {
  mode: "full" | "ci";
  progress: Progress;
  /** Logical CPUs of this machine. */
  cpus: number;
  /** Run only cases whose group or name contains this (used by the gate's test). */
  only?: string;
}

export interface Suite {
  name: SuiteName;
  /** One line: what it measures (the CLI's `list`). */
  description: string;
  run(context: SuiteContext): Promise<SuiteOutput>;
}

export function selected(context: SuiteContext, ...names: string[]): boolean {
  return context.only === undefined || names.some((n) => n.includes(context.only!));
}
