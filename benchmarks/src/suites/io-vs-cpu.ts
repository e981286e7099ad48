import { taskModule, type AsyncPoolExecutor, type WorkerPoolExecutor } from "@concurrent/futures";
import { figure, type Figure } from "@concurrent/bench-schema";
import { measureInterleaved, type CaseSpec, type MeasureOptions } from "../harness/measure.js";
import { asyncPool, warmPool, workerPool, shutdownWithin } from "../harness/ours.js";
import { medianThroughput } from "../harness/stats.js";
import type { BenchCase } from "@concurrent/bench-schema";
import { LoopbackServer } from "../harness/loopback-server.js";
import * as local from "../workloads/tasks.js";
import type { Suite, SuiteContext } from "./suite.js";

const work = taskModule<typeof import("../workloads/tasks.js")>(new URL("../workloads/tasks.js", import.meta.url));

type Executor = "sequential" | "AsyncPoolExecutor" | "WorkerPoolExecutor";

/** A task kind: how one task runs in this thread, and as a worker-pool call. */
interface Kind {
  name: string;
  tasks: number;
  local: () => unknown;
  onPool: (pool: WorkerPoolExecutor) => PromiseLike<unknown>;
}

function kinds(server: LoopbackServer, ioTasks: number, cpuTasks: number, latencyMs: number): Kind[] {
  const sleepUrl = server.sleepUrl(latencyMs);
  const workUrl = server.workUrl;
  return [
    { name: "io-http", tasks: ioTasks, local: () => local.httpGet(sleepUrl), onPool: (p) => p.submit(work.httpGet, sleepUrl) },
    { name: "io-timer", tasks: ioTasks, local: () => local.sleep(latencyMs), onPool: (p) => p.submit(work.sleep, latencyMs) },
    { name: "io-degrading", tasks: ioTasks, local: () => local.httpGet(workUrl), onPool: (p) => p.submit(work.httpGet, workUrl) },
    { name: "cpu-fib", tasks: cpuTasks, local: () => local.fib(24), onPool: (p) => p.submit(work.fib, 24) },
    { name: "cpu-primes", tasks: cpuTasks, local: () => local.primes(40_000), onPool: (p) => p.submit(work.primes, 40_000) },
    { name: "cpu-hash", tasks: cpuTasks, local: () => local.hash(64, 8), onPool: (p) => p.submit(work.hash, 64, 8) },
  ];
}

async function runAll(n: number, start: (i: number) => unknown): Promise<void> {
  const pending: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = start(i);
  await Promise.all(pending);
}

/**
 * The seed's first lesson, measured: each task kind sequentially in this thread, then on
 * AsyncPoolExecutor and WorkerPoolExecutor over a sweep of maxWorkers. Speedup is throughput
 * over the sequential run of the same kind in this run.
 */
export const ioVsCpu: Suite = {
  name: "io-vs-cpu",
  description: "IO-bound (HTTP, timers, a degrading server) and CPU-bound (fib, primes, hash) tasks: sequential vs AsyncPoolExecutor vs WorkerPoolExecutor over maxWorkers 1…64",
  figures,
  async run(context: SuiteContext) {
    const ci = context.mode === "ci";
    const sweep = ci ? [2, 16] : [1, 2, 4, 8, 16, 32, 64];
    const capacity = 8;
    const params = { latencyMs: 5, ioTasks: ci ? 32 : 64, cpuTasks: ci ? 8 : 16, capacity, baseMs: 5, stallMs: 500 };
    const server = await LoopbackServer.start({ capacity, baseMs: params.baseMs, stallMs: params.stallMs });
    const measure: MeasureOptions = {
      rounds: ci ? 1 : 2,
      iterations: 2,
      timeMs: 300,
      iterationTimeoutMs: 30_000,
      progress: context.progress,
    };
    const all = kinds(server, params.ioTasks, params.cpuTasks, params.latencyMs);
    const list = ci ? all.filter((k) => k.name === "io-http" || k.name === "cpu-fib") : all;
    const cases: BenchCase[] = [];
    try {
      // Sequential first, then one block per maxWorkers: two executors of that size exist at
      // a time (64 idle workers per block would otherwise pile up), and the cases of a block
      // are interleaved.
      const sequential: CaseSpec[] = list.map((k) => ({
        name: `${k.name} sequential`,
        group: k.name,
        labels: { executor: "sequential", taskKind: k.name },
        ops: k.tasks,
        run: async () => {
          for (let i = 0; i < k.tasks; i++) await k.local();
        },
        teardown: () => server.drain(),
      }));
      cases.push(...(await measureInterleaved(sequential, measure)));
      for (const maxWorkers of sweep) {
        let asyncEx: AsyncPoolExecutor | undefined;
        let pool: WorkerPoolExecutor | undefined;
        const specs: CaseSpec[] = [];
        for (const k of list) {
          specs.push({
            name: `${k.name} AsyncPoolExecutor maxWorkers=${maxWorkers}`,
            group: k.name,
            labels: { executor: "AsyncPoolExecutor", taskKind: k.name, maxWorkers },
            ops: k.tasks,
            setup: async () => {
              asyncEx ??= asyncPool({ maxWorkers });
            },
            run: () => runAll(k.tasks, () => asyncEx!.submit(k.local)),
            teardown: () => server.drain(),
          });
          specs.push({
            name: `${k.name} WorkerPoolExecutor maxWorkers=${maxWorkers}`,
            group: k.name,
            labels: { executor: "WorkerPoolExecutor", taskKind: k.name, maxWorkers },
            ops: k.tasks,
            setup: async () => {
              if (!pool) {
                pool = workerPool({ maxWorkers });
                await warmPool(pool, maxWorkers);
              }
            },
            run: () => runAll(k.tasks, () => k.onPool(pool!)),
            teardown: () => server.drain(),
          });
        }
        context.progress.note(`maxWorkers=${maxWorkers}`);
        cases.push(...(await measureInterleaved(specs, measure)));
        if (asyncEx) await shutdownWithin(asyncEx);
        if (pool) await shutdownWithin(pool);
      }
    } finally {
      server.close();
    }
    addSpeedups(cases);
    return { parameters: { ...params, sweep, kinds: list.map((k) => k.name) }, cases };
  },
};

function addSpeedups(cases: BenchCase[]): void {
  for (const c of cases) {
    const base = cases.find((s) => s.labels.executor === "sequential" && s.labels.taskKind === c.labels.taskKind);
    if (!c.stats || !base?.stats || c === base) continue;
    c.metrics = { ...c.metrics, speedup: medianThroughput(c.stats) / medianThroughput(base.stats) };
  }
}

function tput(cases: BenchCase[], kind: string, executor: string, maxWorkers?: number): number {
  const c = cases.find((x) => x.labels.taskKind === kind && x.labels.executor === executor && (maxWorkers === undefined || x.labels.maxWorkers === maxWorkers));
  return c?.stats ? medianThroughput(c.stats) : NaN;
}

function best(cases: BenchCase[], kind: string, executor: string): { maxWorkers: number; throughput: number } {
  let top = { maxWorkers: 0, throughput: 0 };
  for (const c of cases) {
    if (c.labels.taskKind !== kind || c.labels.executor !== executor || !c.stats) continue;
    const t = medianThroughput(c.stats);
    if (t > top.throughput) top = { maxWorkers: c.labels.maxWorkers as number, throughput: t };
  }
  return top;
}

function figures(cases: BenchCase[], { cpus }: { cpus: number }): Figure[] {
  const out: Figure[] = [];
  const seq = (kind: string) => tput(cases, kind, "sequential");
  const io = best(cases, "io-http", "AsyncPoolExecutor");
  if (io.throughput > 0) {
    out.push(figure("io-http/async-best/sequential", `io-http: AsyncPoolExecutor maxWorkers=${io.maxWorkers} vs sequential`, io.throughput, seq("io-http"), "tasks/s"));
  }
  const cpu = tput(cases, "cpu-fib", "WorkerPoolExecutor", cpus);
  if (Number.isFinite(cpu)) {
    out.push(figure("cpu-fib/worker-cores/sequential", `cpu-fib: WorkerPoolExecutor maxWorkers=${cpus} vs sequential`, cpu, seq("cpu-fib"), "tasks/s"));
  }
  const cpuAsync = best(cases, "cpu-fib", "AsyncPoolExecutor");
  if (cpuAsync.throughput > 0) {
    out.push(figure("cpu-fib/async-best/sequential", "cpu-fib: best AsyncPoolExecutor vs sequential (≈1: no help)", cpuAsync.throughput, seq("cpu-fib"), "tasks/s"));
  }
  const deg = best(cases, "io-degrading", "AsyncPoolExecutor");
  const deg64 = tput(cases, "io-degrading", "AsyncPoolExecutor", 64);
  if (deg.throughput > 0 && Number.isFinite(deg64)) {
    out.push(figure("io-degrading/async-64/best", `io-degrading: maxWorkers=64 vs best (maxWorkers=${deg.maxWorkers})`, deg64, deg.throughput, "tasks/s", { better: "lower" }));
  }
  return out;
}
