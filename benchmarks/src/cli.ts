// The benchmark command line.
//
//   node dist/cli.js run [--suite a,b] [--quick] [--only text]      this runtime, in this process
//   node dist/cli.js run --all-runtimes                             node, bun and deno, one child each
//   node dist/cli.js run --runtime bun                              one other runtime, as a child
//   node dist/cli.js ci  [--all-runtimes] [--write-baseline]        reduced set + the regression gate
//   node dist/cli.js list                                           the suites
//   node dist/cli.js refigure results/*.json                        recompute the stored figures from the cases
//   node dist/cli.js gate --base <checkout> [--pr <checkout>] [--rounds 8] [--markdown f.md] [--json f.json] [--ratios-dir d]
//                                                                   the PR gate: our figures, base vs PR in interleaved rounds
//
// `run` prints a summary table (one row per figure: ours, baseline, ratio, target, met?) and
// writes one result file per suite to benchmarks/results/. `ci` runs the reduced set and
// compares each gated ratio with benchmarks/baseline.json (see TOLERANCES in @concurrent/bench-schema);
// a figure that regressed is measured once more (its suite, on its runtime, in a child) and
// fails only if it regressed both times (BENCH_NO_RETRY=1: no second run).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compareWithBaseline, gateReport, retryRegressed, type Baseline, type GateReport } from "./gate/baseline-gate.js";
import { TOLERANCES, validateResultFile, type BenchResultFile, type Figure } from "@concurrent/bench-schema";
import { compareSamples, comparisonMarkdown, gateFailed } from "./gate/compare.js";
import { runGate } from "./gate/run.js";
import { runOnRuntimes } from "./harness/runtimes.js";
import { Progress } from "./harness/progress.js";
import { gitCommit, storedFigures, writeResult } from "./harness/results.js";
import { cpuCount, runtimeName, runtimeVersion } from "./harness/runtime.js";
import { summaryTable, type RuntimeSummary, type SuiteSummary } from "./harness/summary.js";
import { baselinePath } from "./gate/paths.js";
import { SUITE_LIST } from "./suites/index.js";

interface Args {
  command: string;
  suites: string[] | undefined;
  allRuntimes: boolean;
  runtime: string | undefined;
  quick: boolean;
  only: string | undefined;
  summaryOut: string | undefined;
  writeBaseline: boolean;
}

/**
 * Recomputes `figures` (and `ratios`) of existing result files from their cases with each
 * suite's `figures` function — for files written before figures were stored, and after a
 * target changes. The measurements themselves are untouched.
 */
function refigure(files: string[]): number {
  for (const path of files) {
    const check = validateResultFile(JSON.parse(readFileSync(path, "utf8")));
    if (!check.ok) throw new Error(`${path}: ${check.errors.join("; ")}`);
    const file = check.value;
    const suite = SUITE_LIST.find((s) => s.name === file.suite);
    if (!suite?.figures) {
      console.log(`${path}: suite ${file.suite} has no figures function, left as is`);
      continue;
    }
    file.figures = storedFigures(suite.figures(file.cases, { cpus: file.machine.cpus }));
    file.ratios = Object.fromEntries(file.figures.map((f) => [f.name, f.ratio]));
    writeFileSync(path, JSON.stringify(file, null, 1) + "\n");
    console.log(`${path}: ${file.figures.length} figures`);
  }
  return 0;
}

/**
 * The PR gate: builds of base and PR side by side (two checkouts, each built), our own
 * figures measured in interleaved rounds, one markdown table; exit 1 when a figure is slower.
 */
async function gateCommand(argv: string[]): Promise<number> {
  const o: { [k: string]: string } = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i]!, argv[i + 1]];
    if (!k.startsWith("--") || v === undefined) throw new Error(`gate: expected --option value, got ${k}`);
    o[k.slice(2)] = v;
  }
  if (!o["base"]) throw new Error("gate: --base <root of the base checkout, built> is required");
  const here = fileURLToPath(new URL("../..", import.meta.url));
  const baseRoot = resolve(o["base"]);
  const prRoot = resolve(o["pr"] ?? here);
  const runtimes = (o["runtimes"] ?? process.env.BENCH_RUNTIMES ?? "node,bun,deno").split(",").filter(Boolean);
  const rounds = Number(o["rounds"] ?? 6);
  const slow = Number(process.env.BENCH_PR_SLOW_SUBMIT_US ?? 0);
  const label = (root: string) => gitCommit(root) ?? root;
  const samples = await runGate({
    baseRoot,
    prRoot,
    baseLabel: label(baseRoot),
    prLabel: label(prRoot) + (slow > 0 ? ` (+${slow} µs per submit)` : ""),
    runtimes,
    rounds,
    ...(slow > 0 ? { slowPrMicros: slow } : {}),
    progress: new Progress(runtimes.join(","), "gate"),
  });
  const rows = compareSamples(samples);
  const peerRuns = o["ratios-dir"] ? readResultDir(o["ratios-dir"]) : [];
  const markdown = comparisonMarkdown(samples, rows, peerRuns);
  if (o["markdown"]) writeFileSync(o["markdown"], markdown);
  if (o["json"]) writeFileSync(o["json"], JSON.stringify({ samples, rows }, null, 1) + "\n");
  console.log(markdown);
  return gateFailed(rows) ? 1 : 0;
}

/** The valid result files directly in `dir`. */
function readResultDir(dir: string): BenchResultFile[] {
  const out: BenchResultFile[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    try {
      const check = validateResultFile(JSON.parse(readFileSync(join(dir, name), "utf8")));
      if (check.ok) out.push(check.value);
    } catch {
      // not a result file
    }
  }
  return out;
}

function parse(argv: string[]): Args {
  const args: Args = { command: argv[0] ?? "run", suites: undefined, allRuntimes: false, runtime: undefined, quick: false, only: undefined, summaryOut: undefined, writeBaseline: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--suite" || a === "--suites") args.suites = value().split(",");
    else if (a === "--all-runtimes") args.allRuntimes = true;
    else if (a === "--runtime") args.runtime = value();
    else if (a === "--quick") args.quick = true;
    else if (a === "--only") args.only = value();
    else if (a === "--summary-out") args.summaryOut = value();
    else if (a === "--write-baseline") args.writeBaseline = true;
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

/** Runs the chosen suites here, writes their files, returns what the summary needs. */
async function runHere(args: Args, mode: "full" | "ci"): Promise<RuntimeSummary> {
  const suites = args.suites ? SUITE_LIST.filter((s) => args.suites!.includes(s.name)) : SUITE_LIST;
  if (args.suites && suites.length !== args.suites.length) {
    throw new Error(`unknown suite in ${args.suites.join(",")}; known: ${SUITE_LIST.map((s) => s.name).join(", ")}`);
  }
  const summary: RuntimeSummary = { runtime: runtimeName(), version: runtimeVersion(), suites: [] };
  // Hold the event loop open while suites run: pools unref their workers, and a promise that
  // waits only on them (a shutdown, a result) must not let the process exit mid-run.
  const keepAlive = setInterval(() => {}, 60_000);
  for (const suite of suites) {
    const progress = new Progress(runtimeName(), suite.name);
    const startedAt = new Date();
    const t0 = performance.now();
    const entry: SuiteSummary = { suite: suite.name, seconds: 0, figures: [], problems: [] };
    try {
      const context = { mode, progress, cpus: cpuCount(), ...(args.only !== undefined ? { only: args.only } : {}) };
      const output = await suite.run(context);
      const figures = suite.figures?.(output.cases, { cpus: context.cpus }) ?? output.figures ?? [];
      entry.file = writeResult(suite.name, mode, startedAt, { ...output, figures });
      entry.figures = figures;
      entry.problems = output.cases.filter((c) => c.status && c.status !== "ok").map((c) => `${c.name}: ${c.status} — ${c.error ?? ""}`);
    } catch (error) {
      entry.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
      progress.note(`suite failed: ${entry.error}`);
    }
    entry.seconds = (performance.now() - t0) / 1000;
    progress.done(entry.seconds);
    summary.suites.push(entry);
  }
  clearInterval(keepAlive);
  return summary;
}

function readBaseline(): Baseline {
  try {
    return JSON.parse(readFileSync(baselinePath(), "utf8")) as Baseline;
  } catch {
    return { runtimes: {} };
  }
}

/** Merges this run's gated ratios into baseline.json (only the runtimes that ran). */
function writeBaselineFile(summaries: RuntimeSummary[]): void {
  const baseline = readBaseline();
  baseline.note = "Ratios of a reference `bench:ci` run (`node dist/cli.js ci --all-runtimes --write-baseline`); the gate compares each run with these within TOLERANCES (packages/bench-schema/src/targets.ts).";
  baseline.commit = gitCommit();
  baseline.date = new Date().toISOString();
  for (const s of summaries) {
    const ratios: { [name: string]: number } = {};
    for (const suite of s.suites) for (const f of suite.figures) if (f.name in TOLERANCES && Number.isFinite(f.ratio)) ratios[f.name] = Number(f.ratio.toFixed(4));
    baseline.runtimes[s.runtime] = ratios;
  }
  writeFileSync(baselinePath(), JSON.stringify(baseline, null, 2) + "\n");
  console.log(`wrote ${baselinePath()}`);
}

async function main(): Promise<number> {
  if (process.argv[2] === "refigure") return refigure(process.argv.slice(3));
  if (process.argv[2] === "gate") return gateCommand(process.argv.slice(3));
  const args = parse(process.argv.slice(2));
  if (args.command === "list") {
    for (const s of SUITE_LIST) console.log(`${s.name.padEnd(22)} ${s.description}`);
    return 0;
  }
  if (args.command !== "run" && args.command !== "ci") throw new Error(`unknown command ${args.command}; use run, ci or list`);
  const mode = args.command === "ci" || args.quick ? "ci" : "full";
  const t0 = performance.now();
  let summaries: RuntimeSummary[];
  if (args.allRuntimes || args.runtime !== undefined) {
    // BENCH_RUNTIMES narrows --all-runtimes (the CI workflow runs one runtime per job).
    const all = process.env.BENCH_RUNTIMES?.split(",").filter(Boolean) ?? ["node", "bun", "deno"];
    const wanted = args.allRuntimes ? all : [args.runtime!];
    const forward = process.argv.slice(2).filter((a, i, all) => a !== "--all-runtimes" && a !== "--write-baseline" && a !== "--runtime" && all[i - 1] !== "--runtime");
    summaries = await runOnRuntimes(wanted, forward);
  } else {
    summaries = [await runHere(args, mode)];
  }
  if (args.summaryOut !== undefined) {
    writeFileSync(args.summaryOut, JSON.stringify(summaries[0]));
    return 0;
  }
  console.log("\n" + summaryTable(summaries));
  console.log(`\ntotal: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const broken = summaries.some((s) => s.suites.some((x) => x.error !== undefined));
  if (args.command !== "ci") return broken ? 1 : 0;
  if (args.writeBaseline) {
    writeBaselineFile(summaries);
    return 0;
  }
  let report = compareWithBaseline(readBaseline(), figuresBy(summaries), { partial: args.only !== undefined || args.suites !== undefined });
  if (!report.ok && process.env.BENCH_NO_RETRY === undefined) {
    report = retryRegressed(report, figuresBy(await remeasure(report, summaries, args)));
  }
  console.log("\n" + gateReport(report));
  return report.ok && !broken ? 0 : 1;
}

/** Each runtime's figures, over its suites. */
function figuresBy(summaries: RuntimeSummary[]): { runtime: string; figures: Figure[] }[] {
  return summaries.map((s) => ({ runtime: s.runtime, figures: s.suites.flatMap((x) => x.figures) }));
}

/** Runs the suites of the figures that regressed once more, each on its runtime, in a child. */
async function remeasure(report: GateReport, summaries: RuntimeSummary[], args: Args): Promise<RuntimeSummary[]> {
  const out: RuntimeSummary[] = [];
  for (const runtime of new Set(report.rows.filter((r) => r.verdict === "regressed").map((r) => r.runtime))) {
    const figures = new Set(report.rows.filter((r) => r.verdict === "regressed" && r.runtime === runtime).map((r) => r.figure));
    const suites = summaries.find((s) => s.runtime === runtime)?.suites.filter((x) => x.figures.some((f) => figures.has(f.name))).map((x) => x.suite) ?? [];
    if (suites.length === 0) continue;
    console.log(`\nbench:ci: ${[...figures].join(", ")} regressed on ${runtime}: running ${suites.join(", ")} once more`);
    out.push(...(await runOnRuntimes([runtime], ["ci", "--suite", suites.join(","), ...(args.only !== undefined ? ["--only", args.only] : [])])));
  }
  return out;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Pools and servers are shut down by each suite; a peer that leaked a handle must not keep us alive.
    setTimeout(() => process.exit(code), 200).unref?.();
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
