/**
 * The CI gate's tolerances: how far each ratio may move against the committed baseline
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
