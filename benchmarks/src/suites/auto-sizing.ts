import type { AsyncPoolExecutor } from "@concurrent/futures";
import { figure, type Figure } from "@concurrent/bench-schema";
import { asyncPool } from "../harness/ours.js";
import { median, statsFromSamples } from "../harness/stats.js";
import type { BenchCase, SeriesPoint } from "@concurrent/bench-schema";
import { LoopbackServer } from "../harness/loopback-server.js";
import { httpGet } from "../workloads/tasks.js";
import { selected, type Suite, type SuiteContext } from "./suite.js";

type Size = number | "auto";

/** A closed loop over the degrading server: `backlog` calls outstanding, each completion submits the next. */
async function drive(ex: AsyncPoolExecutor, url: string, windowMs: number, backlog: number, onTick?: (completed: number) => void, tickMs = 250): Promise<{ completed: number; ms: number }> {
  let completed = 0;
  let stop = false;
  const t0 = performance.now();
  const submitOne = (): void => {
    ex.submit(httpGet, url).addDoneCallback((f) => {
      if (!f.cancelled()) completed++;
      if (!stop) submitOne();
    });
  };
  for (let i = 0; i < backlog; i++) submitOne();
  const ticker = onTick ? setInterval(() => onTick(completed), tickMs) : undefined;
  await new Promise((r) => setTimeout(r, windowMs));
  stop = true;
  if (ticker) clearInterval(ticker);
  const result = { completed, ms: performance.now() - t0 };
  // Calls still in flight finish (or stall) on the server; the caller drains it before the next case.
  await ex.shutdown({ cancelFutures: true, wait: false });
  return result;
}

/**
 * Issue 10, measured: fixed maxWorkers 1…128 and "auto" against a server of capacity C the
 * client is not told, each for the same window (auto's ramp-up included), in interleaved
 * rounds; then one "auto" run while C changes 16 → 4 → 32, recording the limit over time.
 */
export const autoSizing: Suite = {
  name: "auto-sizing",
  description: 'AsyncPoolExecutor maxWorkers 1…128 vs "auto" against a server that degrades past capacity C (unknown to the client); C changing 16→4→32',
  figures,
  async run(context: SuiteContext) {
    const ci = context.mode === "ci";
    const p = {
      capacity: 16,
      baseMs: 10,
      stallMs: 2000,
      sweep: ci ? [4, 16, 64] : [1, 2, 4, 8, 16, 32, 64, 128],
      windowMs: ci ? 2000 : 3000,
      rounds: ci ? 1 : 2,
      backlog: 256,
      schedule: [16, 4, 32],
      phaseMs: ci ? 3000 : 5000,
      tickMs: 250,
    };
    const server = await LoopbackServer.start({ capacity: p.capacity, baseMs: p.baseMs, stallMs: p.stallMs });
    const cases: BenchCase[] = [];
    try {
      const sizes: Size[] = [...p.sweep, "auto"];
      const rates = new Map<Size, number[]>(sizes.map((s) => [s, []]));
      const limits = new Map<Size, number[]>(sizes.map((s) => [s, []]));
      const autoSeries: SeriesPoint[] = [];
      if (selected(context, "sweep")) {
        for (let round = 0; round < p.rounds; round++) {
          for (let k = 0; k < sizes.length; k++) {
            const size = sizes[(k + round) % sizes.length]!;
            context.progress.update(round * sizes.length + k + 1, p.rounds * sizes.length, `maxWorkers=${size} (round ${round + 1}/${p.rounds})`);
            const ex = asyncPool({ maxWorkers: size });
            const t0 = performance.now();
            let last = 0;
            const r = await drive(ex, server.workUrl, p.windowMs, p.backlog, (completed) => {
              if (size === "auto" && round === 0) autoSeries.push({ t: performance.now() - t0, limit: ex.stats().limit, capacity: p.capacity, throughput: ((completed - last) * 1000) / p.tickMs });
              last = completed;
            });
            rates.get(size)!.push(r.completed / (r.ms / 1000));
            limits.get(size)!.push(ex.stats().limit);
            await server.drain(p.stallMs * 3);
          }
        }
        for (const size of sizes) {
          const rs = rates.get(size)!;
          const c: BenchCase = {
            name: `maxWorkers=${size}`,
            group: "sweep",
            labels: { executor: "AsyncPoolExecutor", taskKind: "io-degrading", maxWorkers: size },
            // One iteration is one window; its ops are the tasks completed in it (median over rounds).
            stats: { ...statsFromSamples(rs.map(() => p.windowMs), Math.round(median(rs) * (p.windowMs / 1000))), throughput: median(rs) },
            metrics: { tasksPerSec: median(rs), finalLimit: median(limits.get(size)!) },
          };
          if (size === "auto") c.series = { limit: autoSeries };
          cases.push(c);
        }
      }
      if (selected(context, "changing")) cases.push(await changingCapacity(server, p, context));
    } finally {
      server.close();
    }
    return { parameters: p, cases };
  },
};

async function changingCapacity(server: LoopbackServer, p: { schedule: number[]; phaseMs: number; tickMs: number; backlog: number; stallMs: number }, context: SuiteContext): Promise<BenchCase> {
  const series: SeriesPoint[] = [];
  const ex = asyncPool({ maxWorkers: "auto" });
  let capacity = p.schedule[0]!;
  await server.setCapacity(capacity);
  let last = 0;
  const t0 = performance.now();
  let phase = 0;
  const phases = setInterval(() => {
    phase++;
    if (phase < p.schedule.length) {
      capacity = p.schedule[phase]!;
      void server.setCapacity(capacity);
      context.progress.update(phase + 1, p.schedule.length, `C changes to ${capacity}`);
    }
  }, p.phaseMs);
  context.progress.update(1, p.schedule.length, `auto while C = ${p.schedule.join(" → ")}`);
  const total = p.phaseMs * p.schedule.length;
  const r = await drive(ex, server.workUrl, total, p.backlog, (completed) => {
    series.push({ t: performance.now() - t0, limit: ex.stats().limit, capacity, throughput: ((completed - last) * 1000) / p.tickMs });
    last = completed;
  }, p.tickMs);
  clearInterval(phases);
  await server.drain(p.stallMs * 3);
  await server.setCapacity(p.schedule[0]!);
  // How long after each change the limit first came within [C/2, 2C] of the new C.
  const metrics: { [k: string]: number } = { tasksPerSec: r.completed / (r.ms / 1000) };
  p.schedule.forEach((c, i) => {
    const start = i * p.phaseMs;
    const hit = series.find((pt) => pt.t >= start && pt.t < start + p.phaseMs && pt.limit! >= c / 2 && pt.limit! <= c * 2);
    metrics[`followMs_C${c}`] = hit ? hit.t - start : p.phaseMs;
    const inPhase = series.filter((pt) => pt.t >= start + p.phaseMs / 2 && pt.t < start + p.phaseMs);
    metrics[`medianLimit_C${c}`] = median(inPhase.map((pt) => pt.limit!));
  });
  return {
    name: `auto, C ${p.schedule.join("→")}`,
    group: "changing-capacity",
    labels: { executor: "AsyncPoolExecutor", taskKind: "io-degrading", maxWorkers: "auto" },
    stats: { ...statsFromSamples([r.ms], r.completed), throughput: metrics.tasksPerSec! },
    metrics,
    series: { limit: series },
  };
}

function figures(cases: BenchCase[]): Figure[] {
  const rate = (size: Size) => cases.find((c) => c.group === "sweep" && c.labels.maxWorkers === size)?.metrics?.tasksPerSec ?? NaN;
  const fixed = cases.filter((c) => c.group === "sweep" && c.labels.maxWorkers !== "auto");
  if (fixed.length === 0) return [];
  const best = fixed.reduce((a, b) => ((a.metrics?.tasksPerSec ?? 0) >= (b.metrics?.tasksPerSec ?? 0) ? a : b));
  const out = [
    figure("auto/bestFixed", `"auto" vs best fixed (maxWorkers=${best.labels.maxWorkers})`, rate("auto"), best.metrics?.tasksPerSec ?? NaN, "tasks/s"),
    figure("auto/fixed64", '"auto" vs maxWorkers=64', rate("auto"), rate(64), "tasks/s"),
  ];
  return out.filter((f) => Number.isFinite(f.ours) && Number.isFinite(f.reference));
}
