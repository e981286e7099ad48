import { figure, type BenchCase, type Figure } from "@concurrent/bench-schema";
import { PeerProcess } from "../harness/peer-host.js";
import { medianRatioIndex, statsFromSamples } from "../harness/stats.js";
import type { StreamingResult } from "../workloads/streaming.js";
import { selected, type Suite, type SuiteContext } from "./suite.js";

interface StreamingCase {
  name: string;
  group: "consume" | "roundtrip" | "first-value" | "slow-consumer";
  /** How the values travel: "stream", "array", "submits", "raw-postMessage". */
  way: string;
  fn: "stream" | "array" | "submits" | "raw" | "firstValue" | "slowConsumer";
  args: number[];
  values: number;
}

/**
 * Issue 17: a task producing N small values in a worker, consumed here (a) as one stream,
 * (b) as one task returning an array, (c) as N submitted tasks, against raw postMessage with
 * one message per value — time to the first value, values/s; a single task's round trip; and
 * the extra RSS of a stream whose consumer sleeps 1 ms per value. Each case runs in a fresh
 * child process; the throughput cases run in interleaved rounds and report the median.
 */
export const streaming: Suite = {
  name: "streaming",
  description: "N small values from a worker as one stream, one array, N submits and raw postMessage: time to first value, values/s; extra RSS with a 1 ms/value consumer",
  figures,
  async run(context: SuiteContext) {
    const ci = context.mode === "ci";
    const p = {
      values: ci ? 20_000 : 100_000,
      slowValues: ci ? 2_000 : 10_000,
      roundTrips: 50,
      rounds: ci ? 1 : 3,
      timeoutMs: ci ? 60_000 : 120_000,
    };
    const n = p.values;
    const once: StreamingCase[] = [
      { name: `stream of ${n} (highWaterMark 16)`, group: "consume", way: "stream", fn: "stream", args: [n, 16], values: n },
      { name: `stream of ${n} (highWaterMark 1024)`, group: "consume", way: "stream-hwm1024", fn: "stream", args: [n, 1024], values: n },
      { name: `one task returning an array of ${n}`, group: "consume", way: "array", fn: "array", args: [n], values: n },
      { name: `${n} submitted tasks`, group: "consume", way: "submits", fn: "submits", args: [n], values: n },
      { name: `raw postMessage, one message per value (${n})`, group: "consume", way: "raw-postMessage", fn: "raw", args: [n], values: n },
      // Also gives the "roundtrip" case: the single task's round trip, timed in turns with
      // the streams in the same process (see firstValue in workloads/streaming.ts).
      { name: `stream: time to first value (highWaterMark 16, median of ${p.roundTrips})`, group: "first-value", way: "first-value", fn: "firstValue", args: [p.roundTrips, 16], values: 1 },
    ];
    const slow: StreamingCase = { name: `stream of ${p.slowValues}, consumer sleeps 1 ms per value`, group: "slow-consumer", way: "stream", fn: "slowConsumer", args: [p.slowValues, 16], values: p.slowValues };
    const chosen = once.filter((c) => selected(context, c.group, c.name));
    const samples = new Map<StreamingCase, { first: number[]; total: number[]; roundTrip: number[]; error?: string; timeout?: boolean }>();
    const total = chosen.length * p.rounds + 1;
    let step = 0;
    for (let round = 0; round < p.rounds; round++) {
      // Rotate the order each round, so no case always runs first.
      for (let k = 0; k < chosen.length; k++) {
        const c = chosen[(k + round) % chosen.length]!;
        context.progress.update(++step, total, `${c.name} (round ${round + 1}/${p.rounds})`);
        const s = samples.get(c) ?? { first: [], total: [], roundTrip: [] };
        samples.set(c, s);
        if (s.error) continue;
        const r = await runInChild(c, p.timeoutMs);
        if ("error" in r) {
          s.error = r.error;
          s.timeout = r.timeout;
          continue;
        }
        s.first.push(r.value.firstMs);
        s.total.push(r.value.totalMs);
        if (r.value.roundTripMs !== undefined) s.roundTrip.push(r.value.roundTripMs);
      }
    }
    const cases: BenchCase[] = chosen.flatMap((c) => {
      const s = samples.get(c)!;
      const out: BenchCase = { name: c.name, group: c.group, labels: { executor: "WorkerPoolExecutor", maxWorkers: 1, taskKind: "tiny", way: c.way } };
      if (s.error) {
        out.status = s.timeout ? "timeout" : "failed";
        out.error = s.error;
        return [out];
      }
      if (c.fn === "firstValue") return pairedFirstValue(c, out, s.first, s.roundTrip, p.roundTrips);
      out.stats = statsFromSamples(s.total, c.values);
      const firstMs = median(s.first);
      out.metrics = { firstValueMs: firstMs, valuesPerS: c.values / (median(s.total) / 1000), values: c.values };
      return [out];
    });
    if (selected(context, slow.group, slow.name)) {
      context.progress.update(++step, total, slow.name);
      const r = await runInChild(slow, p.timeoutMs);
      const out: BenchCase = { name: slow.name, group: slow.group, labels: { executor: "WorkerPoolExecutor", maxWorkers: 1, taskKind: "tiny", way: slow.way, highWaterMark: 16 } };
      if ("error" in r) {
        out.status = r.timeout ? "timeout" : "failed";
        out.error = r.error;
      } else {
        const rss = r.value.rss!;
        out.stats = statsFromSamples([r.value.totalMs], slow.values);
        out.metrics = { firstValueMs: r.value.firstMs, rssBaseMB: rss.baseMB, rssPeakMB: rss.peakMB, rssExtraMB: rss.extraMB, values: slow.values };
      }
      cases.push(out);
    }
    return { parameters: p, cases };
  },
};

/**
 * The first-value case and its round trip, from the child whose ratio of the two is the
 * median of the rounds (each child timed both in turns: the pair stays a pair).
 */
function pairedFirstValue(c: StreamingCase, out: BenchCase, firsts: number[], trips: number[], repeats: number): BenchCase[] {
  const k = medianRatioIndex(firsts, trips);
  out.stats = statsFromSamples(firsts, 1);
  out.metrics = { firstValueMs: firsts[k]!, values: 1 };
  const trip: BenchCase = {
    name: `single task round trip (median of ${repeats}, in turns with the streams)`,
    group: "roundtrip",
    labels: { ...out.labels, way: "roundtrip" },
    stats: statsFromSamples(trips, 1),
    metrics: { firstValueMs: trips[k]!, values: 1 },
  };
  return [out, trip];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function runInChild(c: StreamingCase, timeoutMs: number): Promise<{ value: StreamingResult } | { error: string; timeout: boolean }> {
  const proc = new PeerProcess("@concurrent/futures");
  try {
    const r = await proc.callFunction("../workloads/streaming.js", c.fn, c.args, timeoutMs);
    if ("error" in r) return { error: r.error, timeout: proc.state === "timeout" };
    const value = r.value as StreamingResult;
    if (value.checksum !== value.expected) return { error: `wrong checksum ${value.checksum}, expected ${value.expected}`, timeout: false };
    return { value };
  } finally {
    await proc.close();
  }
}

function figures(cases: BenchCase[]): Figure[] {
  const byWay = (way: string) => cases.find((c) => c.labels.way === way && c.status === undefined && c.group !== "slow-consumer");
  const metric = (c: BenchCase | undefined, name: string) => c?.metrics?.[name] ?? NaN;
  const stream = byWay("stream");
  const raw = byWay("raw-postMessage");
  const out: Figure[] = [
    figure("streaming/values-per-s/raw", "stream (hwm 16) values/s vs raw postMessage, one message per value", metric(stream, "valuesPerS"), metric(raw, "valuesPerS"), "values/s"),
    figure("streaming-hwm1024/values-per-s/raw", "stream (hwm 1024) values/s vs raw postMessage, one message per value", metric(byWay("stream-hwm1024"), "valuesPerS"), metric(raw, "valuesPerS"), "values/s"),
    figure("streaming/values-per-s/array", "stream (hwm 16) values/s vs one task returning an array", metric(stream, "valuesPerS"), metric(byWay("array"), "valuesPerS"), "values/s"),
    figure("streaming/values-per-s/submits", "stream (hwm 16) values/s vs N submitted tasks", metric(stream, "valuesPerS"), metric(byWay("submits"), "valuesPerS"), "values/s"),
    figure("streaming/first-value/roundtrip", "stream: time to first value vs a single task's round trip (both on a warm pool, median of as many)", metric(byWay("first-value"), "firstValueMs"), metric(byWay("roundtrip"), "firstValueMs"), "ms"),
    figure("streaming/first-value/array", "stream: time to first value vs the array task's (its whole result)", metric(stream, "firstValueMs"), metric(byWay("array"), "firstValueMs"), "ms", { better: "lower" }),
  ];
  const slow = cases.find((c) => c.group === "slow-consumer" && c.status === undefined);
  if (slow) out.push(figure("streaming/slow-consumer/rss-50MB", `${slow.name}: extra RSS vs 50 MB`, metric(slow, "rssExtraMB"), 50, "MB"));
  return out;
}
