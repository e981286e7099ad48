/**
 * The benchmark result file: what `benchmarks/` writes and `apps/dashboard` plots.
 *
 * One JSON file per suite, run and runtime, directly in `benchmarks/results/`, named
 * `<suite>-<runtime>-<date>.json` with the date made file-safe, e.g.
 * `io-vs-cpu-node-2025-11-25T14-03-00Z.json`. Every `*.json` directly in that folder is read
 * as a result file (a file that does not validate is reported and skipped), so keep
 * baselines and other JSON in a subfolder.
 *
 * Units, everywhere: durations and times in **milliseconds**, throughput in **operations per
 * second** where one operation is one task (not one tinybench iteration), memory in **MB**
 * (2^20 bytes). A scalar whose unit is not implied by its field says so in its name
 * (`firstResultMs`, `rssMB`, `tasksPerSec`).
 *
 * `result.schema.json` (package root) is generated from {@link BenchResultFile} by
 * `npm run schema -w @concurrent/bench-schema`; the package's test fails when it is stale.
 * `validateResultFile` checks the same contract at run time. Bump {@link SCHEMA_VERSION} on a
 * breaking change.
 */

/** The version this file describes. Readers reject files of another version. */
export const SCHEMA_VERSION = 1;

/** The suites, one per benchmark family. */
export const SUITES = ["io-vs-cpu", "ordered-vs-unordered", "peers", "auto-sizing", "scaleout", "load", "cancellation", "streaming", "per-key"] as const;
export type SuiteName = (typeof SUITES)[number];

export const RUNTIMES = ["node", "bun", "deno"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/**
 * How a case ended. Absent means `"ok"`.
 * - `"failed"`: it threw or produced wrong results;
 * - `"timeout"`: it hung and was stopped at the suite's time limit (say the limit in `error`);
 * - `"unsupported"`: it cannot run on this runtime (e.g. a peer pool without Deno support).
 * A case that did not finish is still written, with its `error`, so a hang is visible, not hidden.
 */
export const CASE_STATUSES = ["ok", "failed", "timeout", "unsupported"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** A value `parameters` may hold: plain JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One run of one suite on one runtime. */
export interface BenchResultFile {
  /** Always {@link SCHEMA_VERSION}. */
  schemaVersion: typeof SCHEMA_VERSION;
  suite: SuiteName;
  runtime: {
    name: RuntimeName;
    /** The runtime's own version string: `process.versions.node`, `Bun.version`, `Deno.version.deno`. */
    version: string;
  };
  machine: MachineInfo;
  /** When the run started, ISO 8601 with time zone, e.g. `"2025-11-25T14:03:00.000Z"`. */
  date: string;
  /** `git rev-parse HEAD` of the code measured (full or short sha), or `null` outside a git checkout. */
  commit: string | null;
  /** `"full"` for `npm run bench`, `"ci"` for the reduced `npm run bench:ci` pass. */
  mode: "full" | "ci";
  /** The suite's knobs for this run, as plain JSON: task counts, latencies, sweeps, time limits. */
  parameters: { [key: string]: JsonValue };
  /** The measurements. Names are unique within a file. May be empty only if the suite ran nothing. */
  cases: BenchCase[];
  /**
   * Summary ratios of the run, named `<what>/<against>`, e.g. `"submit/piscina": 6.1`,
   * `"auto/bestFixed": 0.97`. Dimensionless; these are what the CI gate compares with its baseline.
   */
  ratios?: { [name: string]: number };
  /**
   * The run's figures with both sides of each ratio, its target and which way is better: what
   * the CLI's summary table and the dashboard's scoreboard show. Absent in files written
   * before it existed (then the scoreboard falls back to `ratios` and the targets table).
   */
  figures?: StoredFigure[];
}

/** A figure as a result file stores it: see `Figure` in figures.ts. */
export interface StoredFigure {
  /** The ratio's name, as in `ratios`, e.g. `"tiny-submit/piscina"`. */
  name: string;
  /** What it compares, for humans. */
  label: string;
  /** Our value and the reference's, in `unit`. */
  ours: number;
  reference: number;
  unit: string;
  /** `ours / reference` (or the suite's own definition); not finite when a side is missing. */
  ratio: number;
  better: "higher" | "lower";
  target?: number;
}

/** The machine the run was on, as the runtime reports it (`os.cpus()`, `os.totalmem()`, …). */
export interface MachineInfo {
  /** e.g. `"AMD EPYC 7B13"`. */
  cpuModel: string;
  /** Logical CPUs available to the process. */
  cpus: number;
  /** `process.platform` style: `"linux"`, `"darwin"`, `"win32"`. */
  os: string;
  /** `process.arch` style: `"x64"`, `"arm64"`. */
  arch: string;
  /** Total memory, MB. */
  memoryMB: number;
}

/**
 * The labels that place a case in a chart. Every key is optional; the ones below have a fixed
 * meaning, and a suite may add its own (string, number or boolean).
 *
 * What the dashboard reads, per suite:
 * - io-vs-cpu: `executor`, `taskKind`, `maxWorkers` (a sequential baseline has
 *   `executor: "sequential"` and no `maxWorkers`).
 * - ordered-vs-unordered: `executor`, `ordering`, plus `series.arrivals` and `metrics`.
 * - peers: `peer` (ours is `"@concurrent/futures"`), with `group` separating the
 *   benchmarks (e.g. `"tiny-submit"`, `"tiny-map"`).
 * - auto-sizing: `maxWorkers` (a number, or `"auto"`), plus `series.limit` on the `"auto"` case.
 */
export interface CaseLabels {
  /** `"sequential"`, `"AsyncPoolExecutor"`, `"WorkerPoolExecutor"`, `"QueueExecutor"`, … */
  executor?: string;
  /** What each task does: e.g. `"io-http"`, `"io-timer"`, `"io-degrading"`, `"cpu-fib"`, `"tiny"`. IO kinds start with `io`, CPU kinds with `cpu`. */
  taskKind?: string;
  /** The executor's `maxWorkers` option. */
  maxWorkers?: number | "auto";
  /** For the peers suite: which pool ran it. */
  peer?: string;
  /** For ordered-vs-unordered: `"map"` (input order) or `"asCompleted"` (completion order). */
  ordering?: string;
  [label: string]: string | number | boolean;
}

/**
 * tinybench's statistics for a case (`task.result.latency` and friends), converted to the
 * units above. Required when the case's status is `"ok"`.
 */
export interface BenchStats {
  /** Mean wall time of one iteration, ms. */
  mean: number;
  /** Median iteration time, ms. */
  p50: number;
  /** 99th percentile iteration time, ms. */
  p99: number;
  /** How many iterations were timed. */
  samples: number;
  /** Tasks per second: `opsPerIteration / (mean / 1000)`. */
  throughput: number;
  /** Tasks one iteration runs (e.g. 20000 for "20,000 submits then await all"). @default 1 */
  opsPerIteration?: number;
  /** Relative margin of error of the mean, percent (tinybench `rme`). */
  rme?: number;
}

/**
 * A point of a time series. `t` is ms since the case's start; the other fields are the series'
 * own (all numbers).
 */
export interface SeriesPoint {
  t: number;
  [field: string]: number;
}

/**
 * One measurement: a task kind on an executor at a setting, or one peer pool.
 *
 * ```json
 * { "name": "io-http AsyncPoolExecutor maxWorkers=8",
 *   "labels": { "executor": "AsyncPoolExecutor", "taskKind": "io-http", "maxWorkers": 8 },
 *   "stats": { "mean": 41.2, "p50": 40.9, "p99": 47.0, "samples": 50, "throughput": 1553, "opsPerIteration": 64 } }
 * { "name": "tinypool", "group": "tiny-submit", "labels": { "peer": "tinypool" },
 *   "status": "timeout", "error": "no result within 30000 ms" }
 * ```
 */
export interface BenchCase {
  /** Unique within the file, readable: it is what a table or tooltip shows. */
  name: string;
  /** Cases of one group share a chart (e.g. peers: `"tiny-submit"`). */
  group?: string;
  labels: CaseLabels;
  /** @default "ok" */
  status?: CaseStatus;
  /** Why the case did not finish: required when `status` is not `"ok"`. */
  error?: string;
  /** Present when the case ran; may be absent when it failed. */
  stats?: BenchStats;
  /**
   * Other scalars of this case, unit in the name: `firstResultMs`, `meanResultMs`,
   * `totalMs` (ordered-vs-unordered), `speedup` (io-vs-cpu, over sequential), `rssMB`, …
   */
  metrics?: { [name: string]: number };
  /**
   * Timelines, by name. Known ones:
   * - `arrivals`: `{ t, n }` — `n` results had reached the consumer at `t` ms (ordered-vs-unordered);
   * - `limit`: `{ t, limit, capacity, throughput }` — the executor's in-flight limit, the server's
   *   capacity C and the completed tasks/s around `t` (auto-sizing).
   */
  series?: { [name: string]: SeriesPoint[] };
  /** Dimensionless ratios for this case, as {@link BenchResultFile.ratios}. */
  ratios?: { [name: string]: number };
}
