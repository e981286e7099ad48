import type { BenchStats, StoredFigure } from "./schema.js";
import { TARGETS } from "./targets.js";

/**
 * A figure: one comparison the summary table prints, the scoreboard shows and the CI gate
 * checks. `ratio` is `ours / reference` of the named quantity, both measured in the same run.
 * A result file stores it as is (`StoredFigure`), with the non-finite ones left out.
 */
export type Figure = StoredFigure;

/** Whether the figure meets its target; `undefined` when it has none or no ratio. */
export function met(f: Pick<Figure, "ratio" | "better" | "target">): boolean | undefined {
  if (f.target === undefined || !Number.isFinite(f.ratio)) return undefined;
  return f.better === "higher" ? f.ratio >= f.target : f.ratio <= f.target;
}

/**
 * Builds a figure. Its target and direction come from {@link TARGETS} when the figure is
 * listed there (pass `cpus` for a target given per CPU); `options` can still set them for a
 * figure the table does not list.
 */
export function figure(
  name: string,
  label: string,
  ours: number,
  reference: number,
  unit: string,
  options: { target?: number; better?: "higher" | "lower"; ratio?: number; cpus?: number } = {},
): Figure {
  const spec = TARGETS[name];
  const f: Figure = {
    name,
    label,
    ours,
    reference,
    unit,
    ratio: options.ratio ?? (reference > 0 ? ours / reference : NaN),
    better: options.better ?? spec?.better ?? "higher",
  };
  const target = options.target ?? (spec ? targetValue(spec, options.cpus) : undefined);
  if (target !== undefined) f.target = target;
  return f;
}

/** A target of the table as a number: per-CPU targets need the machine's CPU count. */
export function targetValue(spec: { target: number; perCpu?: boolean }, cpus: number | undefined): number | undefined {
  if (!spec.perCpu) return spec.target;
  return cpus === undefined ? undefined : Number((spec.target * cpus).toFixed(2));
}

/**
 * Tasks per second at the median iteration time: what throughput figures compare (a slow
 * iteration moves the mean, `stats.throughput`, but not this), and so what a chart beside
 * them plots.
 */
export function medianThroughput(stats: BenchStats): number {
  return stats.p50 > 0 ? (stats.opsPerIteration ?? 1) / (stats.p50 / 1000) : 0;
}
