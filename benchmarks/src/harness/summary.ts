import { fmtNumber as fmt, scoreRow, targetText, type Figure } from "@concurrent/bench-schema";

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

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** The end-of-run table: one row per figure, per runtime. */
export function summaryTable(summaries: RuntimeSummary[]): string {
  const rows: string[][] = [["runtime", "suite", "figure", "ours", "reference", "unit", "ratio", "target", "met?"]];
  for (const s of summaries) {
    for (const suite of s.suites) {
      if (suite.error) rows.push([s.runtime, suite.suite, `SUITE FAILED: ${suite.error.split("\n")[0]!.slice(0, 80)}`, "", "", "", "", "", ""]);
      for (const f of suite.figures) {
        const row = scoreRow(s.runtime, suite.suite, f);
        rows.push([s.runtime, suite.suite, row.label, fmt(row.ours), fmt(row.reference), row.unit, fmt(row.ratio), targetText(row), row.met === undefined ? "" : row.met ? "yes" : "NO"]);
      }
    }
  }
  const problems = summaries.flatMap((s) => s.suites.flatMap((suite) => suite.problems.map((p) => `  [${s.runtime}] ${suite.suite}: ${p}`)));
  const timing = summaries.map((s) => `${s.runtime} ${s.version}: ${s.suites.map((x) => `${x.suite} ${x.seconds.toFixed(0)} s`).join(", ")}`);
  return [table(rows), "", ...(problems.length ? ["Cases that did not finish:", ...problems, ""] : []), ...timing].join("\n");
}
