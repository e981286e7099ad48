import { fmtNumber, latestRuns, met, targetText, type BenchResultFile } from "@concurrent/bench-schema";
import { bootstrapMedianCI, median } from "./bootstrap.js";
import { PROBE_FIGURES } from "./probe-figures.js";

/**
 * The samples of one gate run: per runtime and figure, per round (one process), the value of
 * each repetition on each side; `base[r][i]` and `pr[r][i]` ran back to back.
 */
export interface GateSamples {
  base: string;
  pr: string;
  rounds: number;
  runtimes: { [runtime: string]: { [figure: string]: { base: number[][]; pr: number[][] } } };
}

export interface ComparisonRow {
  runtime: string;
  figure: string;
  label: string;
  unit: string;
  better: "higher" | "lower";
  base: number;
  pr: number;
  /** Median over the rounds of the PR's speed relative to base (1.1 = 10 % better), and its CI. */
  change: number;
  ci: [number, number];
  rounds: number;
  verdict: "same" | "slower" | "faster" | "no data";
}

/**
 * A figure regresses when the whole 95 % interval of its median relative speed lies below 1
 * (the slowdown is real, not noise) and the median is at least {@link MIN_EFFECT} worse (it
 * is worth failing a pull request for).
 */
export const MIN_EFFECT = 0.1;

export function compareSamples(samples: GateSamples): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const [runtime, figures] of Object.entries(samples.runtimes)) {
    for (const spec of PROBE_FIGURES) {
      const s = figures[spec.name];
      if (!s) continue;
      // A round's value: the median over its pairs of repetitions (which ran back to back) of
      // the PR's relative speed; the rounds (processes) are the independent samples.
      const speed: number[] = [];
      for (let r = 0; r < Math.min(s.base.length, s.pr.length); r++) {
        const pairs: number[] = [];
        s.base[r]!.forEach((b, i) => {
          const p = s.pr[r]![i]!;
          if (b > 0 && p > 0) pairs.push(spec.better === "higher" ? p / b : b / p);
        });
        if (pairs.length) speed.push(median(pairs));
      }
      const change = median(speed);
      const ci = bootstrapMedianCI(speed);
      const verdict: ComparisonRow["verdict"] =
        speed.length < 3 ? "no data" : ci[1] < 1 && change <= 1 - MIN_EFFECT ? "slower" : ci[0] > 1 && change >= 1 + MIN_EFFECT ? "faster" : "same";
      rows.push({
        runtime,
        figure: spec.name,
        label: spec.label,
        unit: spec.unit,
        better: spec.better,
        base: median(s.base.flat().filter((x) => x > 0)),
        pr: median(s.pr.flat().filter((x) => x > 0)),
        change,
        ci,
        rounds: speed.length,
        verdict,
      });
    }
  }
  return rows;
}

/** The gate fails on a slower figure, or on a runtime whose probes produced no data. */
export const gateFailed = (rows: ComparisonRow[]): boolean => rows.some((r) => r.verdict === "slower" || r.verdict === "no data");

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 1 ? "+" : "−"}${Math.abs((x - 1) * 100).toFixed(1)} %` : "—");
const VERDICT = { same: "✅ same", slower: "❌ slower", faster: "🟢 faster", "no data": "❌ no data" } as const;

/**
 * The pull request's comment: one table of our own figures, PR against base (gated), then the
 * peer ratios of the PR's own run (information: they compare us with other libraries, whose
 * speed the PR does not change).
 */
export function comparisonMarkdown(samples: GateSamples, rows: ComparisonRow[], peerRuns: BenchResultFile[] = []): string {
  const lines = [
    `### Benchmark gate: PR \`${samples.pr.slice(0, 10)}\` against base \`${samples.base.slice(0, 10)}\``,
    "",
    `${samples.rounds} rounds per runtime, each a fresh process holding both builds and alternating them repetition by repetition (base, PR, PR, base, …). Figures are CPU time per task (all threads), lower is better. Change = median over the rounds of PR's speed relative to base (+ is better), with its 95 % bootstrap interval; a figure fails when the whole interval is below 0 and the median is at least ${(MIN_EFFECT * 100).toFixed(0)} % worse.`,
    "",
    "| runtime | figure | base | PR | change | 95 % interval | verdict |",
    "|---|---|---:|---:|---:|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.runtime} | ${r.figure} (${r.better === "lower" ? "lower is better" : "higher is better"}) | ${fmtNumber(r.base)} ${r.unit} | ${fmtNumber(r.pr)} ${r.unit} | ${pct(r.change)} | ${pct(r.ci[0])} … ${pct(r.ci[1])} | ${VERDICT[r.verdict]} |`,
    ),
    "",
    gateFailed(rows)
      ? `**Gate: FAILED** — ${rows.filter((r) => r.verdict === "slower" || r.verdict === "no data").map((r) => `${r.runtime} ${r.figure} (${r.verdict})`).join(", ")}`
      : "**Gate: passed** — no figure is slower beyond the noise.",
  ];
  const runs = latestRuns(peerRuns).filter((r) => r.figures?.length);
  if (runs.length) {
    lines.push("", "<details><summary>Peer ratios of this PR's run (information, not gated)</summary>", "", "| runtime | figure | ours | reference | ratio | target | met |", "|---|---|---:|---:|---:|---|---|");
    for (const run of runs)
      for (const f of run.figures!) {
        const ok = met(f);
        lines.push(`| ${run.runtime.name} | ${f.name} | ${fmtNumber(f.ours)} ${f.unit} | ${fmtNumber(f.reference)} ${f.unit} | ${fmtNumber(f.ratio)} | ${targetText(f)} | ${ok === undefined ? "" : ok ? "yes" : "**no**"} |`);
      }
    lines.push("", "</details>");
  }
  return lines.join("\n") + "\n";
}
