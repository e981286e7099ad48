import { asCompleted, taskModule, type Executor, type Future } from "@concurrent/futures";
import { asyncPool, warmPool, workerPool, shutdownWithin } from "../harness/ours.js";
import { figure, type Figure } from "@concurrent/bench-schema";
import { median, statsFromSamples } from "../harness/stats.js";
import type { BenchCase, SeriesPoint } from "@concurrent/bench-schema";
import { sleep } from "../workloads/tasks.js";
import { selected, type Suite, type SuiteContext } from "./suite.js";

const work = taskModule<typeof import("../workloads/tasks.js")>(new URL("../workloads/tasks.js", import.meta.url));

/** Mixed durations, shuffled with a fixed seed: a few long tasks among many short ones. */
export function durations(n: number, shortMs: number, longMs: number, longShare: number, seed = 42): number[] {
  const out = Array.from({ length: n }, (_, i) => (i < Math.round(n * longShare) ? longMs : shortMs));
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Run {
  arrivals: number[];
  totalMs: number;
}

async function consume(ex: Executor, kind: "AsyncPoolExecutor" | "WorkerPoolExecutor", ordering: "map" | "asCompleted", ds: number[]): Promise<Run> {
  const arrivals: number[] = [];
  const t0 = performance.now();
  let sum = 0;
  if (ordering === "map") {
    const it = kind === "AsyncPoolExecutor" ? ex.map(sleep, ds, { chunksize: 1 }) : ex.map(work.spin, ds, { chunksize: 1 });
    for await (const v of it) {
      arrivals.push(performance.now() - t0);
      sum += v;
    }
  } else {
    const fs: Future<number>[] = ds.map((d) => (kind === "AsyncPoolExecutor" ? ex.submit(sleep, d) : ex.submit(work.spin, d)));
    for await (const f of asCompleted(fs)) {
      sum += await f.result();
      arrivals.push(performance.now() - t0);
    }
  }
  const expected = ds.reduce((a, b) => a + b, 0);
  if (sum !== expected) throw new Error(`wrong results: sum ${sum}, expected ${expected}`);
  return { arrivals, totalMs: performance.now() - t0 };
}

/**
 * What `map` (input order) costs against `submit` + `asCompleted` (completion order): the same
 * shuffled mixed-duration tasks through both, on both executors, in interleaved rounds.
 * Per case: time to first result, mean time to each result, total, and the arrival timeline.
 */
export const orderedVsUnordered: Suite = {
  name: "ordered-vs-unordered",
  description: "map (input order) vs submit + asCompleted (completion order) on both executors: first result, mean result time, total, arrival timeline",
  figures,
  async run(context: SuiteContext) {
    const ci = context.mode === "ci";
    const p = { tasks: ci ? 60 : 200, shortMs: 2, longMs: 40, longShare: 0.1, asyncMaxWorkers: 8, workerMaxWorkers: 2, rounds: ci ? 2 : 3 };
    const ds = durations(p.tasks, p.shortMs, p.longMs, p.longShare);
    const asyncEx = asyncPool({ maxWorkers: p.asyncMaxWorkers });
    const pool = workerPool({ maxWorkers: p.workerMaxWorkers });
    await warmPool(pool, p.workerMaxWorkers);
    // Compile the module task in each worker before timing.
    await Promise.all(Array.from({ length: 8 }, () => pool.submit(work.spin, 0)));
    const combos = (["AsyncPoolExecutor", "WorkerPoolExecutor"] as const).flatMap((kind) => (["map", "asCompleted"] as const).map((ordering) => ({ kind, ordering }))).filter((c) => selected(context, c.kind, c.ordering));
    const runs = combos.map(() => [] as Run[]);
    try {
      for (let round = 0; round < p.rounds; round++) {
        for (let k = 0; k < combos.length; k++) {
          const i = (k + round) % combos.length;
          const c = combos[i]!;
          context.progress.update(round * combos.length + k + 1, p.rounds * combos.length, `${c.kind} ${c.ordering} (round ${round + 1}/${p.rounds})`);
          runs[i]!.push(await consume(c.kind === "AsyncPoolExecutor" ? asyncEx : pool, c.kind, c.ordering, ds));
        }
      }
    } finally {
      await shutdownWithin(asyncEx);
      await shutdownWithin(pool);
    }
    const cases: BenchCase[] = combos.map((c, i) => {
      const rs = runs[i]!;
      const mid = rs[Math.floor(rs.length / 2)]!;
      const arrivals: SeriesPoint[] = mid.arrivals.map((t, n) => ({ t, n: n + 1 }));
      return {
        name: `${c.kind} ${c.ordering}`,
        group: c.kind,
        labels: { executor: c.kind, ordering: c.ordering, maxWorkers: c.kind === "AsyncPoolExecutor" ? p.asyncMaxWorkers : p.workerMaxWorkers },
        stats: statsFromSamples(rs.map((r) => r.totalMs), p.tasks),
        metrics: {
          firstResultMs: median(rs.map((r) => r.arrivals[0]!)),
          meanResultMs: median(rs.map((r) => r.arrivals.reduce((a, b) => a + b, 0) / r.arrivals.length)),
          totalMs: median(rs.map((r) => r.totalMs)),
        },
        series: { arrivals },
      };
    });
    return { parameters: { ...p, sumOfDurationsMs: ds.reduce((a, b) => a + b, 0) }, cases };
  },
};

function figures(cases: BenchCase[]): Figure[] {
  const out: Figure[] = [];
  for (const kind of ["AsyncPoolExecutor", "WorkerPoolExecutor"]) {
    const m = cases.find((c) => c.labels.executor === kind && c.labels.ordering === "map")?.metrics;
    const a = cases.find((c) => c.labels.executor === kind && c.labels.ordering === "asCompleted")?.metrics;
    if (!m || !a) continue;
    const short = kind === "AsyncPoolExecutor" ? "async" : "worker";
    out.push(figure(`${short}/mean-result/map-vs-asCompleted`, `${kind}: mean time to a result, map vs asCompleted`, m.meanResultMs!, a.meanResultMs!, "ms", { better: "lower" }));
    out.push(figure(`${short}/total/map-vs-asCompleted`, `${kind}: total time, map vs asCompleted`, m.totalMs!, a.totalMs!, "ms", { better: "lower" }));
  }
  return out;
}
