import { met, type Figure } from "./figures.js";

/** What one runtime's run reports to the parent of `--all-runtimes`. */
export interface RuntimeSummary {
  runtime: string;
  version: string;
  suites: SuiteSummary[];
}

export interface SuiteSummary {
  suite: string;
  file?: string;
  seconds: number;
  figures: Figure[];
  /** Cases that did not end "ok": `name: status — error`. */
  problems: string[];
  /** The suite itself threw. */
  error?: string;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a >= 100_000) return `${(x / 1000).toFixed(0)}k`;
  if (a >= 10_000) return `${(x / 1000).toFixed(1)}k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** The end-of-run table: one row per figure, per runtime. */
export function summaryTable(summaries: RuntimeSummary[]): string {
  const rows: string[][] = [["runtime", "suite", "figure", "ours", "baseline", "unit", "ratio", "target", "met?"]];
  for (const s of summaries) {
    for (const suite of s.suites) {
      if (suite.error) rows.push([s.runtime, suite.suite, `SUITE FAILED: ${suite.error.split("\n")[0]!.slice(0, 80)}`, "", "", "", "", "", ""]);
      for (const f of suite.figures) {
        const ok = met(f);
        const target = f.target === undefined ? "" : `${f.better === "higher" ? "≥" : "≤"}${f.target}`;
        rows.push([s.runtime, suite.suite, f.label, fmt(f.ours), fmt(f.baseline), f.unit, fmt(f.ratio), target, ok === undefined ? "" : ok ? "yes" : "NO"]);
      }
    }
  }
  const problems = summaries.flatMap((s) => s.suites.flatMap((suite) => suite.problems.map((p) => `  [${s.runtime}] ${suite.suite}: ${p}`)));
  const timing = summaries.map((s) => `${s.runtime} ${s.version}: ${s.suites.map((x) => `${x.suite} ${x.seconds.toFixed(0)} s`).join(", ")}`);
  return [table(rows), "", ...(problems.length ? ["Cases that did not finish:", ...problems, ""] : []), ...timing].join("\n");
}
