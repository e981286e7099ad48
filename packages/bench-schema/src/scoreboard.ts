import { met, targetValue, type Figure } from "./figures.js";
import type { BenchResultFile, StoredFigure } from "./schema.js";
import { TARGETS, TOLERANCES } from "./targets.js";

/**
 * The scoreboard: one row per figure that has a target or is gated, per runtime — ours, the
 * reference, the ratio, the target and whether it is met. The benchmark CLI prints it at the
 * end of a run (`summaryTable`) and the dashboard shows it first; both build rows here.
 */
export interface ScoreRow extends StoredFigure {
  runtime: string;
  suite: string;
  // From StoredFigure; here `ours`/`reference` are NaN when the run did not store them (a
  // file written before `figures` existed), `ratio` NaN when the figure was not measured.
  /** `undefined`: no target, or not measured. */
  met?: boolean;
  /** The CI gate checks this figure (it is in TOLERANCES). */
  gated: boolean;
  /** The run the row comes from (absent for a listed figure no run measured). */
  date?: string;
  commit?: string | null;
}

/** Numbers as the tables print them: 3 significant digits, k above 10 000, "—" for none. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a >= 100_000) return `${(x / 1000).toFixed(0)}k`;
  if (a >= 10_000) return `${(x / 1000).toFixed(1)}k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** `≥5` or `≤1.5`; empty without a target. */
export function targetText(f: { better: "higher" | "lower"; target?: number }): string {
  return f.target === undefined ? "" : `${f.better === "higher" ? "≥" : "≤"}${f.target}`;
}

/** The direction of a figure: from its targets/tolerances entry, else higher is better. */
export function betterOf(name: string): "higher" | "lower" {
  return TARGETS[name]?.better ?? TOLERANCES[name]?.better ?? "higher";
}

/** A figure's row. */
export function scoreRow(runtime: string, suite: string, f: Figure, run?: { date: string; commit: string | null }): ScoreRow {
  const row: ScoreRow = {
    runtime,
    suite,
    name: f.name,
    label: f.label,
    ours: f.ours,
    reference: f.reference,
    unit: f.unit,
    ratio: f.ratio,
    better: f.better,
    gated: f.name in TOLERANCES,
  };
  // A run is judged by today's targets: a result file stores the target it was measured
  // against, which goes stale when the table changes (a raised target must show as missed).
  const spec = TARGETS[f.name];
  const target = spec !== undefined && !spec.perCpu ? spec.target : f.target;
  if (target !== undefined) row.target = target;
  const ok = target === undefined ? undefined : met({ ratio: f.ratio, better: f.better, target });
  if (ok !== undefined) row.met = ok;
  if (run) {
    row.date = run.date;
    row.commit = run.commit;
  }
  return row;
}

/**
 * A file's figures: the stored ones, or — for a file written before figures were stored —
 * rebuilt from its `ratios` with the targets table (ours and the reference then unknown).
 */
export function figuresOf(file: BenchResultFile): Figure[] {
  if (file.figures) return file.figures;
  return Object.entries(file.ratios ?? {}).map(([name, ratio]) => {
    const f: Figure = { name, label: name, ours: NaN, reference: NaN, unit: "", ratio, better: betterOf(name) };
    const spec = TARGETS[name];
    const target = spec ? targetValue(spec, file.machine.cpus) : undefined;
    if (target !== undefined) f.target = target;
    return f;
  });
}

/** Of several runs of a suite on a runtime, the one to show: the newest full run, else the newest. */
export function latestRuns(files: BenchResultFile[]): BenchResultFile[] {
  const best = new Map<string, BenchResultFile>();
  const rank = (f: BenchResultFile) => [f.mode === "full" ? 1 : 0, Date.parse(f.date)] as const;
  for (const f of files) {
    const key = `${f.runtime.name}/${f.suite}`;
    const old = best.get(key);
    if (!old) best.set(key, f);
    else {
      const [a, b] = [rank(f), rank(old)];
      if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) best.set(key, f);
    }
  }
  return [...best.values()];
}

/**
 * The scoreboard of a set of result files: for each runtime, the latest run of each suite,
 * its figures that have a target or are gated; then every figure of the targets and
 * tolerances tables that no run measured, as a row without a ratio (so a missing figure shows
 * as missing, not as absent). Ordered by runtime, then suite, then the run's own order.
 */
export function scoreboard(files: BenchResultFile[], runtimes: readonly string[]): ScoreRow[] {
  const rows: ScoreRow[] = [];
  const runs = latestRuns(files);
  const listed = new Set([...Object.keys(TARGETS), ...Object.keys(TOLERANCES)]);
  for (const runtime of runtimes) {
    const mine = runs.filter((r) => r.runtime.name === runtime);
    if (mine.length === 0) continue;
    const seen = new Set<string>();
    for (const run of mine) {
      for (const f of figuresOf(run)) {
        if (f.target === undefined && !(f.name in TOLERANCES)) continue;
        seen.add(f.name);
        rows.push(scoreRow(runtime, run.suite, f, run));
      }
    }
    for (const name of listed) {
      if (seen.has(name)) continue;
      const spec = TARGETS[name];
      const f: Figure = { name, label: name, ours: NaN, reference: NaN, unit: "", ratio: NaN, better: betterOf(name) };
      const target = spec ? targetValue(spec, mine[0]!.machine.cpus) : undefined;
      if (target !== undefined) f.target = target;
      rows.push(scoreRow(runtime, "(not measured)", f));
    }
  }
  return rows;
}
