// Issue 18, measured: the max_workers trap with two downstreams. Two degrading servers —
// A healthy (capacity 32), B overloaded (capacity 4, latency e^(4(n−C)/C) past it, stalling
// at 2 s) — and one closed-loop client with as many calls outstanding to each, through one
// AsyncPoolExecutor: fixed maxWorkers 64 (and 4, 8, 16), one shared "auto", and perKey
// "auto" (keyed by origin with keyOf, inside maxWorkers 64). The reference, in the same
// interleaved rounds, is what per-key emulates: two executors, one per server — A through
// its own "auto", B through a fixed limit (1…8; the best one is B's reference) — driven
// together, so the client's own load (every request costs it CPU) is the same as in the
// shared runs. Then one perKey run while B's capacity drops 4 → 1 halfway: A before and after.
import type { AsyncPoolExecutor, AsyncPoolOptions } from "@concurrent/futures";
import { figure, type BenchCase, type Figure, type SeriesPoint } from "@concurrent/bench-schema";
import { asyncPool } from "../harness/ours.js";
import { median, statsFromSamples } from "../harness/stats.js";
import { LoopbackServer } from "../harness/loopback-server.js";
import { lightGet, lightGetClient } from "../workloads/http-client.js";
import { selected, type Suite, type SuiteContext } from "./suite.js";

interface PerKeyParameters {
  capacityA: number;
  capacityB: number;
  /** B's capacity after the drop. */
  dropTo: number;
  baseMs: number;
  stallMs: number;
  /** Calls outstanding to each server. */
  backlog: number;
  /**
   * Each run's first ms are not counted, in every configuration alike: an adaptive limit
   * starts at 4 and learns (about 1 s), a fixed one does not, and the targets compare
   * where each settles. The cost of learning is in the capacity-drop run's series.
   */
  warmupMs: number;
  windowMs: number;
  rounds: number;
  /** B through its own pool at these fixed limits (A through its own "auto"): the best is the reference. */
  sweepB: number[];
  /** Both through one fixed limit of these sizes: the best a single limit can do for A. */
  sweepShared: number[];
  /** Each half of the capacity-drop run. */
  phaseMs: number;
  tickMs: number;
  [k: string]: number | number[];
}

function perKeyParameters(ci: boolean): PerKeyParameters {
  return {
    capacityA: 32,
    capacityB: 4,
    dropTo: 1,
    baseMs: 10,
    stallMs: 2000,
    backlog: 64,
    warmupMs: ci ? 1000 : 1500,
    windowMs: ci ? 2000 : 3000,
    rounds: ci ? 1 : 2,
    sweepB: ci ? [4] : [2, 4, 6],
    sweepShared: ci ? [8] : [4, 8, 16],
    phaseMs: ci ? 3000 : 5000,
    tickMs: 250,
  };
}

/** "one": both servers through one executor; "separate": an executor per server. */
type Target = "one" | "separate";

interface Config {
  name: string;
  target: Target;
  /** The executor for A's calls and the one for B's (the same options twice for "one" means one executor). */
  options: AsyncPoolOptions;
  optionsB?: AsyncPoolOptions;
  labels: BenchCase["labels"];
}

const origin = (url: string) => url.slice(0, url.indexOf("/", "http://".length));

function configs(p: PerKeyParameters): Config[] {
  return [
    { name: "one pool, maxWorkers=64", target: "one", options: { maxWorkers: 64 }, labels: { maxWorkers: 64, perKey: "none" } },
    ...p.sweepShared.map((n): Config => ({ name: `one pool, maxWorkers=${n}`, target: "one", options: { maxWorkers: n }, labels: { maxWorkers: n, perKey: "none" } })),
    { name: 'one pool, maxWorkers="auto"', target: "one", options: { maxWorkers: "auto" }, labels: { maxWorkers: "auto", perKey: "none" } },
    { name: 'one pool, perKey="auto" (maxWorkers=64)', target: "one", options: { maxWorkers: 64, perKey: "auto", keyOf: origin }, labels: { maxWorkers: 64, perKey: "auto" } },
    ...p.sweepB.map((n): Config => ({ name: `a pool each, A "auto", B maxWorkers=${n}`, target: "separate", options: { maxWorkers: "auto" }, optionsB: { maxWorkers: n }, labels: { maxWorkers: "auto", maxWorkersB: n, perKey: "none" } })),
  ];
}

interface Drive {
  a: number;
  b: number;
  ms: number;
}

/**
 * The closed loop: each completion submits the next call to the same server. Counts the
 * calls that finish in the `windowMs` after the first `warmupMs`.
 */
async function drive(executors: AsyncPoolExecutor[], urls: string[], warmupMs: number, windowMs: number, backlog: number, onTick?: (t: number, done: number[]) => void, tickMs = 250): Promise<Drive> {
  const done = urls.map(() => 0);
  let stop = false;
  const t0 = performance.now();
  const submitOne = (i: number): void => {
    executors[i]!.submit(lightGet, urls[i]!).addDoneCallback((f) => {
      if (!f.cancelled()) done[i]!++;
      if (!stop) submitOne(i);
    });
  };
  for (let k = 0; k < backlog; k++) for (let i = 0; i < urls.length; i++) submitOne(i);
  const ticker = onTick ? setInterval(() => onTick(performance.now() - t0, done), tickMs) : undefined;
  if (warmupMs > 0) await new Promise((r) => setTimeout(r, warmupMs));
  const before = [...done];
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  stop = true;
  if (ticker) clearInterval(ticker);
  const ms = performance.now() - t1;
  const counted = done.map((n, i) => n - before[i]!);
  for (const ex of new Set(executors)) await ex.shutdown({ cancelFutures: true, wait: false });
  return { a: counted[0] ?? 0, b: counted[1] ?? 0, ms };
}

export const perKey: Suite = {
  name: "per-key",
  description: 'AsyncPoolExecutor with two downstreams, one healthy (C = 32) and one overloaded (C = 4): maxWorkers 64, one shared "auto", perKey "auto"; then the overloaded one drops to C = 1',
  figures,
  async run(context: SuiteContext) {
    const p = perKeyParameters(context.mode === "ci");
    return { parameters: p, cases: await perKeyCases(p, context) };
  },
};

async function perKeyCases(p: PerKeyParameters, context: SuiteContext): Promise<BenchCase[]> {
  const [a, b] = await Promise.all([
    LoopbackServer.start({ capacity: p.capacityA, baseMs: p.baseMs, stallMs: p.stallMs }),
    LoopbackServer.start({ capacity: p.capacityB, baseMs: p.baseMs, stallMs: p.stallMs }),
  ]);
  const cases: BenchCase[] = [];
  try {
    const list = selected(context, "per-key") ? configs(p) : [];
    const rates = new Map<string, { a: number[]; b: number[] }>(list.map((c) => [c.name, { a: [], b: [] }]));
    for (let round = 0; round < p.rounds; round++) {
      for (let k = 0; k < list.length; k++) {
        const c = list[(k + round) % list.length]!;
        context.progress.update(round * list.length + k + 1, p.rounds * list.length, `per-key: ${c.name} (round ${round + 1}/${p.rounds})`);
        const exA = asyncPool(c.options);
        const exB = c.optionsB === undefined ? exA : asyncPool(c.optionsB);
        const r = await drive([exA, exB], [a.workUrl, b.workUrl], p.warmupMs, p.windowMs, p.backlog);
        const s = rates.get(c.name)!;
        s.a.push(r.a / (r.ms / 1000));
        s.b.push(r.b / (r.ms / 1000));
        await Promise.all([a.drain(p.stallMs * 3), b.drain(p.stallMs * 3)]);
      }
    }
    for (const c of list) {
      const s = rates.get(c.name)!;
      const metrics = { tasksPerSecA: median(s.a), tasksPerSecB: median(s.b) };
      const total = metrics.tasksPerSecA + metrics.tasksPerSecB;
      cases.push({
        name: c.name,
        group: "per-key",
        labels: { executor: "AsyncPoolExecutor", taskKind: "io-degrading", client: lightGetClient, target: c.target, ...c.labels },
        stats: { ...statsFromSamples(s.a.map(() => p.windowMs), Math.round(total * (p.windowMs / 1000))), throughput: total },
        metrics,
      });
    }
    if (selected(context, "per-key-drop")) cases.push(await capacityDrop(a, b, p, context));
  } finally {
    a.close();
    b.close();
  }
  return cases;
}

/** perKey "auto" over both servers; halfway through, B's capacity drops to `dropTo`. */
async function capacityDrop(a: LoopbackServer, b: LoopbackServer, p: PerKeyParameters, context: SuiteContext): Promise<BenchCase> {
  context.progress.update(1, 1, `per-key: B's capacity ${p.capacityB} → ${p.dropTo} halfway`);
  const ex = asyncPool({ maxWorkers: 64, perKey: "auto", keyOf: origin });
  const series: SeriesPoint[] = [];
  let capacityB = p.capacityB;
  let last = [0, 0];
  const drop = setTimeout(() => {
    capacityB = p.dropTo;
    void b.setCapacity(p.dropTo);
  }, p.phaseMs);
  const keyA = origin(a.workUrl);
  const keyB = origin(b.workUrl);
  const r = await drive([ex, ex], [a.workUrl, b.workUrl], 0, 2 * p.phaseMs, p.backlog, (t, done) => {
    const keys = ex.stats().keys ?? {};
    series.push({
      t,
      throughputA: ((done[0]! - last[0]!) * 1000) / p.tickMs,
      throughputB: ((done[1]! - last[1]!) * 1000) / p.tickMs,
      limitA: keys[keyA]?.limit ?? 0,
      limitB: keys[keyB]?.limit ?? 0,
      capacityB,
    });
    last = [...done];
  }, p.tickMs);
  clearTimeout(drop);
  await Promise.all([a.drain(p.stallMs * 3), b.drain(p.stallMs * 3)]);
  await b.setCapacity(p.capacityB);
  const mean = (from: number, to: number, f: "throughputA" | "throughputB") => {
    const pts = series.filter((pt) => pt.t > from && pt.t <= to);
    return pts.reduce((s, pt) => s + pt[f]!, 0) / Math.max(1, pts.length);
  };
  // A ramped up in the first half of phase 1: "before" is its second half; "after" is all of phase 2.
  const metrics = {
    tasksPerSecA_before: mean(p.phaseMs / 2, p.phaseMs, "throughputA"),
    tasksPerSecA_after: mean(p.phaseMs, 2 * p.phaseMs, "throughputA"),
    tasksPerSecB_before: mean(p.phaseMs / 2, p.phaseMs, "throughputB"),
    tasksPerSecB_after: mean(p.phaseMs, 2 * p.phaseMs, "throughputB"),
  };
  const total = (r.a + r.b) / (r.ms / 1000);
  return {
    name: `one pool, perKey="auto", B's C ${p.capacityB}→${p.dropTo}`,
    group: "per-key-drop",
    labels: { executor: "AsyncPoolExecutor", taskKind: "io-degrading", maxWorkers: 64, perKey: "auto", target: "one" },
    stats: { ...statsFromSamples([r.ms], r.a + r.b), throughput: total },
    metrics,
    series: { limit: series },
  };
}

function figures(cases: BenchCase[]): Figure[] {
  const get = (name: string, m: string) => cases.find((c) => c.name === name)?.metrics?.[m] ?? NaN;
  const keyed = 'one pool, perKey="auto" (maxWorkers=64)';
  const best = (list: BenchCase[], m: string) => list.reduce<BenchCase | undefined>((b, c) => ((c.metrics?.[m] ?? 0) > (b?.metrics?.[m] ?? -1) ? c : b), undefined);
  // The reference: a pool per server, B at its best fixed limit (A through its own "auto").
  const separate = best(cases.filter((c) => c.group === "per-key" && c.labels.target === "separate"), "tasksPerSecB");
  const oneFixed = cases.filter((c) => c.group === "per-key" && c.labels.target === "one" && c.labels.perKey === "none" && c.labels.maxWorkers !== "auto" && c.labels.maxWorkers !== 64);
  const bestOne = best(oneFixed, "tasksPerSecA");
  const drop = cases.find((c) => c.group === "per-key-drop");
  const out = [
    figure("perKey/A/alone", `A under perKey "auto" vs A through its own "auto" pool (B through its own, at ${separate?.labels.maxWorkersB ?? "?"})`, get(keyed, "tasksPerSecA"), separate?.metrics?.tasksPerSecA ?? NaN, "tasks/s"),
    figure("perKey/B/bestFixed", `B under perKey "auto" vs B through its own pool at its best fixed limit (${separate?.labels.maxWorkersB ?? "?"})`, get(keyed, "tasksPerSecB"), separate?.metrics?.tasksPerSecB ?? NaN, "tasks/s"),
    figure("perKey/A/sharedAuto", 'A under perKey "auto" vs A under one shared "auto"', get(keyed, "tasksPerSecA"), get('one pool, maxWorkers="auto"', "tasksPerSecA"), "tasks/s"),
    figure("perKey/A/fixed64", 'A under perKey "auto" vs A under one maxWorkers 64', get(keyed, "tasksPerSecA"), get("one pool, maxWorkers=64", "tasksPerSecA"), "tasks/s"),
    figure("perKey/A/bestSharedFixed", `A under perKey "auto" vs A under the best single fixed limit for A (${bestOne?.labels.maxWorkers ?? "?"})`, get(keyed, "tasksPerSecA"), bestOne?.metrics?.tasksPerSecA ?? NaN, "tasks/s"),
    figure("perKey/A/afterBDrop", 'A after B\'s capacity drops 4 → 1 vs before (perKey "auto")', drop?.metrics?.tasksPerSecA_after ?? NaN, drop?.metrics?.tasksPerSecA_before ?? NaN, "tasks/s"),
  ];
  return out.filter((f) => Number.isFinite(f.ours) && Number.isFinite(f.reference));
}
