import { figure, type Figure } from "@concurrent/bench-schema";
import { statsFromSamples } from "../harness/stats.js";
import type { BenchCase } from "@concurrent/bench-schema";
import type { MemoryResult } from "../workloads/memory.js";
import { PeerProcess } from "../harness/peer-host.js";
import { selected, type Suite, type SuiteContext } from "./suite.js";

interface LoadCase {
  name: string;
  group: string;
  executor: "AsyncPoolExecutor" | "WorkerPoolExecutor";
  fn: "tinyLoad" | "mapBuffersize" | "submitAsCompleted";
  args: unknown[];
  items: number;
}

/**
 * Issue 7 items 5 and 6: a million tiny tasks through each executor with an exact checksum,
 * and RSS while `map` with `buffersize` walks ten million items and while a million submits
 * are awaited as they complete. Each case runs in a fresh child process (RSS is its own; a
 * hang is killed at the time limit and recorded).
 */
export const load: Suite = {
  name: "load",
  description: "1,000,000 tiny tasks per executor with checksum; RSS of map+buffersize over 10,000,000 items and of 1,000,000 submit-and-await-as-completed",
  figures,
  async run(context: SuiteContext) {
    const ci = context.mode === "ci";
    const p = {
      tinyTasks: ci ? 100_000 : 1_000_000,
      window: 10_000,
      mapItemsWorker: ci ? 1_000_000 : 10_000_000,
      mapItemsAsync: ci ? 200_000 : 1_000_000,
      buffersize: 16,
      chunksize: 1000,
      submitTasks: ci ? 100_000 : 1_000_000,
      asCompletedWindow: 1000,
      workers: 2,
      timeoutMs: ci ? 60_000 : 180_000,
    };
    const list: LoadCase[] = [];
    for (const executor of ["AsyncPoolExecutor", "WorkerPoolExecutor"] as const) {
      list.push({ name: `${p.tinyTasks} tiny tasks ${executor}`, group: "tiny-load", executor, fn: "tinyLoad", args: [executor, p.tinyTasks, p.window, executor === "AsyncPoolExecutor" ? 16 : p.workers], items: p.tinyTasks });
    }
    list.push({ name: `map buffersize=${p.buffersize} over ${p.mapItemsWorker} items WorkerPoolExecutor`, group: "map-buffersize", executor: "WorkerPoolExecutor", fn: "mapBuffersize", args: ["WorkerPoolExecutor", p.mapItemsWorker, p.buffersize, p.chunksize, p.workers], items: p.mapItemsWorker });
    list.push({ name: `map buffersize=${p.buffersize} over ${p.mapItemsAsync} items AsyncPoolExecutor`, group: "map-buffersize", executor: "AsyncPoolExecutor", fn: "mapBuffersize", args: ["AsyncPoolExecutor", p.mapItemsAsync, p.buffersize * 64, 1, 16], items: p.mapItemsAsync });
    for (const executor of ["AsyncPoolExecutor", "WorkerPoolExecutor"] as const) {
      list.push({ name: `${p.submitTasks} submit + asCompleted ${executor}`, group: "submit-asCompleted", executor, fn: "submitAsCompleted", args: [executor, p.submitTasks, p.asCompletedWindow, executor === "AsyncPoolExecutor" ? 16 : p.workers], items: p.submitTasks });
    }
    const chosen = list.filter((c) => selected(context, c.group, c.name));
    const cases: BenchCase[] = [];
    for (const [i, c] of chosen.entries()) {
      context.progress.update(i + 1, chosen.length, c.name);
      cases.push(await runCase(c, p.timeoutMs));
    }
    return { parameters: p, cases };
  },
};

async function runCase(c: LoadCase, timeoutMs: number): Promise<BenchCase> {
  const out: BenchCase = { name: c.name, group: c.group, labels: { executor: c.executor, taskKind: "tiny" } };
  const proc = new PeerProcess("@concurrent/futures");
  try {
    const r = await proc.callFunction("../workloads/memory.js", c.fn, c.args, timeoutMs);
    if ("error" in r) {
      out.status = proc.state === "timeout" ? "timeout" : "failed";
      out.error = r.error;
      return out;
    }
    const m = r.value as MemoryResult;
    out.stats = statsFromSamples([m.rss.ms], c.items);
    out.metrics = { rssBaseMB: m.rss.baseMB, rssPeakMB: m.rss.peakMB, rssExtraMB: m.rss.extraMB, rssEndMB: m.rss.endMB, checksumOk: m.checksum === m.expected ? 1 : 0, items: c.items };
    if (m.checksum !== m.expected) {
      out.status = "failed";
      out.error = `wrong checksum ${m.checksum}, expected ${m.expected}`;
    }
    return out;
  } finally {
    await proc.close();
  }
}

function figures(cases: BenchCase[]): Figure[] {
  const throughput = cases
    .filter((c) => c.status === undefined && c.group === "tiny-load" && c.stats)
    .map((c) => figure(`load/tiny/${c.labels.executor}`, `${c.name} (checksum ok)`, c.stats!.throughput, NaN, "tasks/s"));
  return throughput.concat(cases
    .filter((c) => c.status === undefined && c.metrics?.rssExtraMB !== undefined && c.group !== "tiny-load")
    .map((c) => figure(`load/${c.group}/${c.labels.executor}/rss-100MB`, `${c.name}: extra RSS vs 100 MB`, c.metrics!.rssExtraMB!, 100, "MB", { better: "lower" })));
}
