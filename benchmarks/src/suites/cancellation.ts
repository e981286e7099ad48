import { adapter, taskModule, type Future, type PoolAdapter } from "@concurrent/futures";
import { figure, type BenchCase, type Figure } from "@concurrent/bench-schema";
import { shutdownWithin, warmPool, workerPool } from "../harness/ours.js";
import { median, statsFromSamples } from "../harness/stats.js";
import { selected, type Suite, type SuiteContext } from "./suite.js";

const tasks = taskModule<typeof import("../workloads/cancellable.js")>(new URL("../workloads/cancellable.js", import.meta.url));

type Kind = "good-only" | "honouring" | "ignoring";

interface Run {
  totalMs: number;
  respawns: number;
  timedOut: number;
}

/** This runtime's adapter, counting the workers it starts. */
function counting(): { adapter: PoolAdapter; started(): number } {
  let n = 0;
  return { adapter: { ...adapter, spawn: (url, events, options) => (n++, adapter.spawn(url, events, options)) }, started: () => n };
}

/**
 * One run on a fresh, warm pool: the good calls (work `workMs`), plus for "honouring" and
 * "ignoring" the hanging ones, shuffled in (every tenth call), each with `timeout`.
 */
async function once(kind: Kind, p: { calls: number; hangEvery: number; workMs: number; timeout: number; maxWorkers: number }): Promise<Run> {
  const counted = counting();
  const pool = workerPool({ maxWorkers: p.maxWorkers, adapter: counted.adapter });
  try {
    await warmPool(pool, p.maxWorkers);
    await Promise.all(Array.from({ length: p.maxWorkers * 2 }, () => pool.submit(tasks.work, 0, true)));
    const before = counted.started();
    const t0 = performance.now();
    const fs: Future<number>[] = [];
    for (let i = 0; i < p.calls; i++) {
      const hang = i % p.hangEvery === p.hangEvery - 1;
      if (hang && kind === "good-only") continue;
      fs.push(pool.submitWith({ timeout: p.timeout }, tasks.work, hang ? -1 : p.workMs, kind !== "ignoring"));
    }
    let timedOut = 0;
    let ok = 0;
    let sum = 0;
    for (const f of fs) {
      const error = await f.exception();
      if (error === undefined) {
        ok++;
        sum += await f.result();
      } else if ((error as { code?: string }).code === "ERR_TIMEOUT") timedOut++;
      else throw error;
    }
    const totalMs = performance.now() - t0;
    if (sum !== ok * p.workMs) throw new Error(`wrong results: ${sum} from ${ok} calls of ${p.workMs} ms`);
    return { totalMs, respawns: counted.started() - before, timedOut };
  } finally {
    await shutdownWithin(pool);
  }
}

/**
 * Issue 16: 1,000 calls on a worker pool of 8 — 900 that work 20 ms and 100 that hang — each
 * with a run-time `timeout` of 50 ms. Tasks that honour `currentSignal()` stop at the timeout
 * and keep their worker; tasks that ignore it are stopped after `grace` (1000 ms) by
 * terminating their worker, which is replaced. Reference: the 900 good calls alone.
 */
export const cancellation: Suite = {
  name: "cancellation",
  description: "run-time timeouts on a worker pool of 8: 900 calls of 20 ms + 100 that hang, timeout 50 — tasks honouring currentSignal() vs ignoring it vs the good calls alone: total time and worker respawns",
  figures,
  async run(context: SuiteContext) {
    const ci = context.mode === "ci";
    const p = { calls: ci ? 200 : 1000, hangEvery: 10, workMs: 20, timeout: 50, grace: 1000, maxWorkers: 8, rounds: ci ? 1 : 2 };
    const kinds = (["good-only", "honouring", "ignoring"] as const).filter((k) => selected(context, k));
    const runs = kinds.map(() => [] as Run[]);
    for (let round = 0; round < p.rounds; round++) {
      for (let k = 0; k < kinds.length; k++) {
        const i = (k + round) % kinds.length;
        context.progress.update(round * kinds.length + k + 1, p.rounds * kinds.length, `${kinds[i]} (round ${round + 1}/${p.rounds})`);
        runs[i]!.push(await once(kinds[i]!, p));
      }
    }
    const cases: BenchCase[] = kinds.map((kind, i) => {
      const rs = runs[i]!;
      const calls = kind === "good-only" ? p.calls - p.calls / p.hangEvery : p.calls;
      return {
        name: `worker pool ${kind}`,
        group: "timeout-50",
        labels: { executor: "WorkerPoolExecutor", maxWorkers: p.maxWorkers, tasks: kind },
        stats: statsFromSamples(rs.map((r) => r.totalMs), calls),
        metrics: {
          totalMs: median(rs.map((r) => r.totalMs)),
          respawns: median(rs.map((r) => r.respawns)),
          timedOut: median(rs.map((r) => r.timedOut)),
        },
      };
    });
    return { parameters: p, cases };
  },
};

function figures(cases: BenchCase[]): Figure[] {
  const m = (kind: Kind) => cases.find((c) => c.labels.tasks === kind)?.metrics;
  const good = m("good-only");
  const out: Figure[] = [];
  if (!good) return out;
  for (const kind of ["honouring", "ignoring"] as const) {
    const k = m(kind);
    if (!k) continue;
    out.push(figure(`cancellation/${kind}/good-only`, `900 good + 100 hanging calls (tasks ${kind} currentSignal()) vs the 900 good calls alone: total time`, k.totalMs!, good.totalMs!, "ms", { better: "lower" }));
  }
  return out;
}
