/**
 * The project's targets and the CI gate's tolerances, per figure (see figures.ts). One table
 * each, read by the suites (a figure takes its target from here), the benchmark CLI's summary
 * table, the gate and the dashboard's scoreboard, which lists every figure named below.
 */

/** A target: the ratio ours/reference must reach (`better: "higher"`) or stay under. */
export interface Target {
  better: "higher" | "lower";
  target: number;
  /** The target is per CPU of the machine (e.g. 0.95 × cores for a CPU-bound speedup). */
  perCpu?: boolean;
}

/** The targets of the issues that asked for each figure. */
export const TARGETS: { [figure: string]: Target } = {
  // peers (issue 1 and its follow-ups)
  "tiny-submit/raw-pipelined": { better: "higher", target: 0.9 },
  "tiny-submit/piscina": { better: "higher", target: 5 },
  "tiny-submit/poolifier": { better: "higher", target: 3 },
  "tiny-map-chunked/raw-pipelined": { better: "higher", target: 3 },
  "tiny-map-auto/raw-pipelined": { better: "higher", target: 3 },
  "roundtrip/raw": { better: "lower", target: 1.5 },
  // CPU-bound: our speedup over what bare threads started by hand reach on the same machine
  // in the same run (issue 21; it was 0.95 × cores of main-thread speedup, a target about
  // the machine rather than the pool).
  "cpu-fib27/bare-threads": { better: "higher", target: 0.95 },
  "async-trivial/p-limit": { better: "higher", target: 1.5 },
  "map-buffersize/rss-100MB": { better: "lower", target: 1 },
  // auto-sizing
  "auto/bestFixed": { better: "higher", target: 0.9 },
  "auto/fixed64": { better: "higher", target: 3 },
  // per-key (issue 18): a healthy and an overloaded downstream through one pool
  "perKey/A/alone": { better: "higher", target: 0.9 },
  "perKey/B/bestFixed": { better: "higher", target: 0.9 },
  "perKey/A/sharedAuto": { better: "higher", target: 10 },
  "perKey/A/afterBDrop": { better: "higher", target: 0.9 },
  // scale-out over Redis
  "scaleout-submit/raw-bullmq": { better: "higher", target: 0.9 },
  "scaleout-map/raw-bullmq": { better: "higher", target: 10 },
  // cancellation (issue 16): honouring tasks finish within 1.5x the good calls alone
  "cancellation/honouring/good-only": { better: "lower", target: 1.5 },
  // streaming (issue 17)
  "streaming/values-per-s/raw": { better: "higher", target: 3 },
  "streaming-hwm1024/values-per-s/raw": { better: "higher", target: 3 },
  "streaming/first-value/roundtrip": { better: "lower", target: 2 },
  "streaming/slow-consumer/rss-50MB": { better: "lower", target: 1 },
  // load: extra RSS of a big input stays under 100 MB
  "load/map-buffersize/AsyncPoolExecutor/rss-100MB": { better: "lower", target: 1 },
  "load/map-buffersize/WorkerPoolExecutor/rss-100MB": { better: "lower", target: 1 },
  "load/submit-asCompleted/AsyncPoolExecutor/rss-100MB": { better: "lower", target: 1 },
  "load/submit-asCompleted/WorkerPoolExecutor/rss-100MB": { better: "lower", target: 1 },
};

/**
 * The fallback gate's tolerances: how far each ratio may move against the committed baseline
 * (`benchmarks/baseline.json`) before `bench:ci` fails. A ratio compares us with a reference
 * measured in the same run (raw postMessage, a peer pool, a sequential baseline, a fixed
 * pool size), so the machine's speed cancels out; what is left is noise, which on a shared
 * 2-core runner is large for tiny tasks, hence the generous bounds. A deliberately slowed
 * submit (BENCH_SLOW_SUBMIT_US=50) moves the tiny-task ratios by 80 % or more.
 *
 * `tolerance` is relative: 0.4 fails a higher-is-better ratio below 60 % of its baseline.
 */
export interface Tolerance {
  better: "higher" | "lower";
  tolerance: number;
}

export const TOLERANCES: { [figure: string]: Tolerance } = {
  // peers: tiny tasks are dominated by per-message overhead and scheduling noise
  "tiny-submit/raw-pipelined": { better: "higher", tolerance: 0.4 },
  "tiny-submit/piscina": { better: "higher", tolerance: 0.4 },
  "tiny-submit/poolifier": { better: "higher", tolerance: 0.4 },
  "tiny-map-chunked/raw-pipelined": { better: "higher", tolerance: 0.4 },
  "roundtrip/raw": { better: "lower", tolerance: 0.5 },
  "cpu-fib27/main-thread": { better: "higher", tolerance: 0.2 },
  "async-trivial/p-limit": { better: "higher", tolerance: 0.35 },
  // auto-sizing: throughput against fixed sizes of the same sweep
  "auto/bestFixed": { better: "higher", tolerance: 0.3 },
  "auto/fixed64": { better: "higher", tolerance: 0.5 },
  // io-vs-cpu: speedups over sequential in the same run
  "io-http/async-best/sequential": { better: "higher", tolerance: 0.4 },
  "cpu-fib/worker-cores/sequential": { better: "higher", tolerance: 0.25 },
};
