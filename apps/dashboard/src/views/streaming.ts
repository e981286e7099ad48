import { figuresOf, TARGETS, type BenchCase } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, isOk, latestRun } from "../data.js";
import { failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

const STREAM = "#0072B2";
const OTHER = "#E69F00";
const RAW = "#6B7280";
const TARGET = "#B91C1C";
/** How each way of moving the values is named on the x axis. */
const WAY: Record<string, string> = {
  stream: "stream (hwm 16)",
  "stream-hwm1024": "stream (hwm 1024)",
  array: "one task, an array",
  submits: "N submitted tasks",
  "raw-postMessage": "raw postMessage, one per value",
  roundtrip: "single task round trip",
};
const wayOf = (c: BenchCase) => String(c.labels.way ?? "");
const colorOf = (c: BenchCase) => (wayOf(c).startsWith("stream") ? STREAM : wayOf(c) === "raw-postMessage" ? RAW : OTHER);
const metric = (c: BenchCase | undefined, k: string) => (c && isOk(c) ? (c.metrics?.[k] ?? null) : null);
const targetLine = (label: string, n: number, value: number | null) => ({
  type: "line",
  label,
  data: Array.from({ length: n }, () => value),
  borderColor: TARGET,
  backgroundColor: TARGET,
  borderDash: [6, 4],
  pointRadius: 0,
  borderWidth: 1.5,
});

/** Streaming: N small values from a worker as a stream, an array, N submits or raw messages. */
export function renderStreaming(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "streaming",
    "Streaming: many small values from one worker",
    "One task yields N small values; the caller consumes them as a stream (highWaterMark 16 or 1024), as one task returning an array, as N submitted tasks, or over raw postMessage with one message per value. Each case runs in a fresh process on one worker."
  );
  root.append(view);
  const run = latestRun(ctx.results, "streaming", ctx.runtime);
  if (!run) {
    view.append(noRunsNotice("streaming", ctx.runtime));
    return;
  }
  const r = run.result;
  const charts = grid();
  view.append(charts);
  const consume = r.cases.filter((c) => c.group === "consume");
  const raw = consume.find((c) => wayOf(c) === "raw-postMessage");
  if (consume.length) {
    const values = consume.map((c) => metric(c, "valuesPerS"));
    const rawTarget = TARGETS["streaming/values-per-s/raw"]?.target ?? 3;
    const rawValue = metric(raw, "valuesPerS");
    const failures = failureList(consume);
    addChart(
      charts,
      {
        id: "streaming-throughput",
        title: "Values per second (higher is better)",
        caption: `${consume[0]!.metrics?.["values"] ?? "N"} values consumed each way, median of the rounds; dashed: the target, ${rawTarget}× raw postMessage; on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: consume.map((c) => WAY[wayOf(c)] ?? c.name),
          datasets: [
            { label: "values/s", data: values, backgroundColor: consume.map(colorOf) },
            targetLine(`target: ${rawTarget}× raw postMessage`, consume.length, rawValue === null ? null : rawValue * rawTarget),
          ] as never,
        },
        options: {
          scales: { x: categoryAxis("how the values travel"), y: autoAxis("values/s", [...values, rawValue === null ? null : rawValue * rawTarget]) },
          plugins: { tooltip: tooltipUnit("values/s") },
        },
      }
    );
  }
  // Time to first value: the stream's first value against a single task's round trip, both on
  // a warm pool, median of as many repeats (the figure the target is about). Since the run of
  // 2026-12-01 23:19 UTC the suite times the two in turns in one process. The consume
  // cases' own first-value times come from a fresh worker each, so they are not plotted here.
  const roundtrip = r.cases.find((c) => c.group === "roundtrip");
  const firstValue = r.cases.find((c) => c.group === "first-value");
  const firsts = [firstValue, roundtrip].filter((c): c is BenchCase => c !== undefined);
  if (firsts.length) {
    const rtTarget = TARGETS["streaming/first-value/roundtrip"]?.target ?? 2;
    const rt = metric(roundtrip, "firstValueMs");
    const paired = roundtrip?.name.includes("in turns") ?? false;
    const firstMs = firsts.map((c) => metric(c, "firstValueMs"));
    const failures = failureList(firsts);
    addChart(
      charts,
      {
        id: "streaming-first-value",
        title: "Time to the first value (ms, lower is better)",
        caption: `When a stream's first value reaches the caller, against a single task's round trip, both on a warm pool (median of each one's repeats, ${paired ? "timed in turns in one process" : "each in its own process"}); dashed: the target, ${rtTarget}× the round trip; on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: firsts.map((c) => (c === roundtrip ? WAY["roundtrip"]! : "stream (hwm 16): first value")),
          datasets: [
            { label: "time to first value (ms)", data: firstMs, backgroundColor: firsts.map((c) => (c === roundtrip ? RAW : STREAM)) },
            targetLine(`target: ${rtTarget}× a round trip`, firsts.length, rt === null ? null : rt * rtTarget),
          ] as never,
        },
        options: {
          scales: { x: categoryAxis("case"), y: valueAxis("time to first value (ms, lower is better)") },
          plugins: { tooltip: tooltipUnit("ms") },
        },
      }
    );
  }
  const slow = r.cases.find((c) => c.group === "slow-consumer");
  if (slow) {
    const budget = 50 * (TARGETS["streaming/slow-consumer/rss-50MB"]?.target ?? 1);
    const failures = failureList([slow]);
    addChart(
      charts,
      {
        id: "streaming-rss",
        title: "Slow consumer: extra RSS (MB, lower is better)",
        caption: `Peak resident memory above the process's start while a consumer sleeps 1 ms per value (${slow.metrics?.["values"] ?? "N"} values, highWaterMark 16), against the ${budget} MB budget, on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: ["slow consumer"],
          datasets: [
            { label: "peak extra RSS (MB)", data: [metric(slow, "rssExtraMB")], backgroundColor: STREAM },
            { label: `budget ${budget} MB`, data: [budget], backgroundColor: "rgba(185, 28, 28, 0.25)", borderColor: TARGET, borderWidth: 1.5 },
          ],
        },
        options: {
          scales: { x: categoryAxis("case"), y: valueAxis("extra RSS (MB, lower is better)") },
          plugins: { tooltip: tooltipUnit("MB") },
        },
      }
    );
  }
  if (figuresOf(r).length) view.append(ratioTable([run]));
}
