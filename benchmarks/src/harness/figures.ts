/**
 * A figure: one comparison the summary table prints and the CI gate checks. `ratio` is
 * `ours / baseline` of the named quantity, both measured in the same run.
 */
export interface Figure {
  /** The ratio's name in the result file's `ratios`, e.g. `"tiny-submit/piscina"`. */
  name: string;
  /** Our value and the reference's, with their unit (for the table only). */
  ours: number;
  baseline: number;
  unit: string;
  ratio: number;
  /** Whether a larger ratio is better (throughput, speedup) or a smaller (latency). */
  better: "higher" | "lower";
  /** The target for the ratio, if it has one. */
  target?: number;
  /** What the figure compares, for humans. */
  label: string;
}

export function met(f: Figure): boolean | undefined {
  if (f.target === undefined || !Number.isFinite(f.ratio)) return undefined;
  return f.better === "higher" ? f.ratio >= f.target : f.ratio <= f.target;
}

export function figure(
  name: string,
  label: string,
  ours: number,
  baseline: number,
  unit: string,
  options: { target?: number; better?: "higher" | "lower"; ratio?: number } = {},
): Figure {
  const f: Figure = {
    name,
    label,
    ours,
    baseline,
    unit,
    ratio: options.ratio ?? (baseline > 0 ? ours / baseline : NaN),
    better: options.better ?? "higher",
  };
  if (options.target !== undefined) f.target = options.target;
  return f;
}
