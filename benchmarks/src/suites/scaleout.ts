import { QueueExecutor, QueueWorker } from "@concurrent/bullmq";
import { startRedis } from "@concurrent/testkit/redis";
import { Queue, QueueEvents, Worker } from "bullmq";
import { figure, type Figure } from "@concurrent/bench-schema";
import { measureInterleaved, type CaseSpec } from "../harness/measure.js";
import { medianThroughput } from "../harness/stats.js";
import type { BenchCase } from "@concurrent/bench-schema";
import { sumOfSquares } from "../peers/adapter.js";
import { cpuSweep, cpuSweepParameters } from "../workloads/cpu-sweep.js";
import { selected, type Suite, type SuiteContext } from "./suite.js";

const square = (x: number) => x * x;

// What QueueExecutor keeps of finished jobs by default (options.ts jobOptions): past 10 000,
// each finish also deletes the oldest job. The raw side keeps the same, so its Redis does the
// same work per job (with { age: 600 } it deleted nothing within a run).
const RAW_KEEP = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 86400, count: 10_000 } };

function check(got: number, n: number): void {
  if (got !== sumOfSquares(n)) throw new Error(`wrong result: ${got}, expected ${sumOfSquares(n)}`);
}

/**
 * Issue 9 "Speed": tiny tasks through QueueExecutor (QueueWorker at its defaults) against raw
 * BullMQ (Queue.add + QueueEvents, a Worker of concurrency 50) on the same Redis, in
 * interleaved rounds of one iteration each (ours, map, raw, ours, …: adjacent pairs, so load
 * that comes and goes hits both sides alike); and `map` with `chunksize` against the raw
 * per-job rate. Both sides keep finished jobs alike (QueueExecutor's defaults: at most 10 000,
 * for an hour), so both do the same Redis work per job. Then the
 * CPU-bound sweep (scaleout-cpu.ts): fib(27) tasks through 1 and 2 QueueWorker
 * processes of one thread each, and the speedup of 2 over 1.
 */
export const scaleout: Suite = {
  name: "scaleout",
  description: "QueueExecutor (BullMQ + Redis) vs raw BullMQ: tiny submits, map with chunksize; CPU-bound over 1 and 2 worker processes",
  figures,
  async run(context: SuiteContext) {
    const ci = context.mode === "ci";
    const p = { tasks: ci ? 300 : 1000, mapItems: ci ? 5000 : 20_000, chunksize: 100, rawConcurrency: 50, rounds: ci ? 6 : 21, ...cpuSweepParameters(ci) };
    const redis = await startRedis();
    const connection = redis.url;
    const parsed = new URL(connection);
    const raw = { host: parsed.hostname, port: Number(parsed.port) };
    let worker: QueueWorker | undefined;
    let ex: QueueExecutor | undefined;
    let rawQueue: Queue | undefined;
    let rawEvents: QueueEvents | undefined;
    let rawWorker: Worker | undefined;
    const cases: BenchCase[] = [];
    try {
      const specs: CaseSpec[] = [
        {
          name: "submit QueueExecutor",
          group: "tiny-submit",
          labels: { executor: "QueueExecutor", peer: "@concurrent/bullmq" },
          ops: p.tasks,
          setup: async () => {
            worker = new QueueWorker({ connection, queue: "bench-ours" });
            ex = new QueueExecutor({ connection, queue: "bench-ours" });
          },
          run: async () => {
            let sum = 0;
            for (const v of await Promise.all(Array.from({ length: p.tasks }, (_, i) => ex!.submit(square, i)))) sum += v;
            check(sum, p.tasks);
          },
        },
        {
          name: `map chunksize=${p.chunksize} QueueExecutor`,
          group: "map",
          labels: { executor: "QueueExecutor", peer: "@concurrent/bullmq" },
          ops: p.mapItems,
          run: async () => {
            let sum = 0;
            for await (const v of ex!.map(square, Array.from({ length: p.mapItems }, (_, i) => i), { chunksize: p.chunksize })) sum += v;
            check(sum, p.mapItems);
          },
        },
        {
          name: `raw BullMQ (Worker concurrency ${p.rawConcurrency})`,
          group: "tiny-submit",
          labels: { peer: "bullmq" },
          ops: p.tasks,
          setup: async () => {
            rawQueue = new Queue("bench-raw", { connection: raw });
            rawEvents = new QueueEvents("bench-raw", { connection: raw });
            rawWorker = new Worker("bench-raw", async (job) => square((job.data as { x: number }).x), { connection: raw, concurrency: p.rawConcurrency });
            await rawEvents.waitUntilReady();
          },
          run: async () => {
            const jobs = await Promise.all(Array.from({ length: p.tasks }, (_, i) => rawQueue!.add("sq", { x: i }, RAW_KEEP)));
            let sum = 0;
            for (const v of await Promise.all(jobs.map((j) => j.waitUntilFinished(rawEvents!) as Promise<number>))) sum += v;
            check(sum, p.tasks);
          },
        },
      ];
      // The map case needs the executor its submit sibling set up: keep that one first.
      if (selected(context, "tiny-submit", "map")) cases.push(...(await measureInterleaved(specs, { rounds: p.rounds, iterations: 1, timeMs: 0, iterationTimeoutMs: 60_000, warmupIterations: 1, progress: context.progress })));
      await ex?.shutdown().catch(() => {});
      await worker?.close().catch(() => {});
      await rawWorker?.close().catch(() => {});
      // The CPU sweep needs the cores: the in-process workers above are closed first.
      if (selected(context, "cpu-sweep")) cases.push(...(await cpuSweep(connection, p, context.progress)));
    } finally {
      await ex?.shutdown().catch(() => {});
      await worker?.close().catch(() => {});
      await rawWorker?.close().catch(() => {});
      await rawEvents?.close().catch(() => {});
      await rawQueue?.close().catch(() => {});
      await redis.stop();
    }
    return { parameters: p, cases };
  },
};

function figures(cases: BenchCase[]): Figure[] {
  const t = (name: string) => {
    const c = cases.find((x) => x.name.startsWith(name));
    return c?.stats && !c.status ? medianThroughput(c.stats) : NaN;
  };
  const raw = t("raw BullMQ");
  return [
    figure("scaleout-submit/raw-bullmq", "QueueExecutor submit vs raw BullMQ", t("submit QueueExecutor"), raw, "tasks/s"),
    figure("scaleout-map/raw-bullmq", "QueueExecutor map(chunksize) vs raw BullMQ per job", t("map chunksize"), raw, "tasks/s"),
    figure("scaleout-cpu/2proc-1proc", "fib(27) on 2 QueueWorker processes vs 1 (speedup)", t("cpu-fib27 2 "), t("cpu-fib27 1 "), "tasks/s"),
  ].filter((f) => Number.isFinite(f.ours) && Number.isFinite(f.reference));
}
