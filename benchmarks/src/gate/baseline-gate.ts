import type { Figure } from "@concurrent/bench-schema";
import { table } from "../harness/summary.js";
import { TOLERANCES, type Tolerance } from "@concurrent/bench-schema";

/** `benchmarks/baseline.json`: per runtime, the ratios of a reference `bench:ci` run. */
export interface Baseline {
  note?: string;
  commit?: string | null;
  date?: string;
  runtimes: { [runtime: string]: { [figure: string]: number } };
}

export interface GateRow {
  runtime: string;
  figure: string;
  baseline: number | undefined;
  measured: number | undefined;
  /** Relative change, signed so that negative is worse. */
  change: number | undefined;
  tolerance: number;
  verdict: "ok" | "regressed" | "missing" | "new";
  /** For a figure that regressed: its ratio when measured once more (see {@link retryRegressed}). */
  retry?: number;
}

export interface GateReport {
  ok: boolean;
  rows: GateRow[];
}

/** Whether `measured` moved the wrong way from `baseline` by more than the tolerance. */
function regressed(tol: Tolerance, baseline: number, measured: number): boolean {
  return tol.better === "higher" ? measured < baseline * (1 - tol.tolerance) : measured > baseline * (1 + tol.tolerance);
}

/**
 * Compares the gated figures of this run with the baseline. A figure regresses when it moved
 * the wrong way by more than its tolerance; a gated figure the baseline has but this run
 * lacks (its case failed or hung) is `missing` and fails too, unless `partial` (a filtered
 * run). A figure the baseline does not have yet is reported as `new` and passes.
 */
export function compareWithBaseline(
  baseline: Baseline,
  measured: { runtime: string; figures: Pick<Figure, "name" | "ratio">[] }[],
  options: { tolerances?: { [figure: string]: Tolerance }; partial?: boolean } = {},
): GateReport {
  const tolerances = options.tolerances ?? TOLERANCES;
  const rows: GateRow[] = [];
  for (const run of measured) {
    const base = baseline.runtimes[run.runtime] ?? {};
    const seen = new Map(run.figures.filter((f) => Number.isFinite(f.ratio)).map((f) => [f.name, f.ratio]));
    for (const [name, tol] of Object.entries(tolerances)) {
      const b = base[name];
      const m = seen.get(name);
      if (b === undefined && m === undefined) continue;
      if (m === undefined) {
        if (!options.partial) rows.push({ runtime: run.runtime, figure: name, baseline: b, measured: m, change: undefined, tolerance: tol.tolerance, verdict: "missing" });
        continue;
      }
      if (b === undefined) {
        rows.push({ runtime: run.runtime, figure: name, baseline: b, measured: m, change: undefined, tolerance: tol.tolerance, verdict: "new" });
        continue;
      }
      const change = tol.better === "higher" ? m / b - 1 : b / m - 1;
      rows.push({ runtime: run.runtime, figure: name, baseline: b, measured: m, change, tolerance: tol.tolerance, verdict: regressed(tol, b, m) ? "regressed" : "ok" });
    }
  }
  return { ok: rows.every((r) => r.verdict === "ok" || r.verdict === "new"), rows };
}

/**
 * A second chance for the figures that regressed: `remeasured` holds each one's ratio from a
 * second run of its suite. A row passes if that run is within its tolerance; else it stays
 * regressed (a real regression regresses both runs; one run's noise rarely does twice). On
 * this 2-core machine one CPU speedup drew 0.60 in one run and 1.77 alone right after it.
 */
export function retryRegressed(report: GateReport, remeasured: { runtime: string; figures: Pick<Figure, "name" | "ratio">[] }[], tolerances: { [figure: string]: Tolerance } = TOLERANCES): GateReport {
  const rows = report.rows.map((row) => {
    if (row.verdict !== "regressed" || row.baseline === undefined) return row;
    const m = remeasured.find((r) => r.runtime === row.runtime)?.figures.find((f) => f.name === row.figure)?.ratio;
    const tol = tolerances[row.figure];
    if (m === undefined || !Number.isFinite(m) || tol === undefined) return row;
    return { ...row, retry: m, verdict: regressed(tol, row.baseline, m) ? ("regressed" as const) : ("ok" as const) };
  });
  return { ok: rows.every((r) => r.verdict === "ok" || r.verdict === "new"), rows };
}

const num = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(3));

export function gateReport(report: GateReport): string {
  const rows = [["runtime", "figure", "baseline", "this run", "change", "allowed", "verdict"]];
  for (const r of report.rows) {
    rows.push([
      r.runtime,
      r.figure,
      num(r.baseline),
      r.retry === undefined ? num(r.measured) : `${num(r.measured)}, again ${num(r.retry)}`,
      r.change === undefined ? "—" : `${(r.change * 100).toFixed(0)}%`,
      `-${(r.tolerance * 100).toFixed(0)}%`,
      r.verdict === "ok" ? "ok" : r.verdict.toUpperCase(),
    ]);
  }
  const failed = report.rows.filter((r) => r.verdict === "regressed" || r.verdict === "missing");
  const verdict = report.ok
    ? "bench:ci: every gated ratio is within its tolerance of the baseline."
    : `bench:ci: FAILED — ${failed.length} figure(s) regressed or missing: ${failed.map((r) => `${r.runtime} ${r.figure}`).join(", ")}`;
  return `${table(rows)}\n\n${verdict}`;
}
