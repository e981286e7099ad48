import { figuresOf, type BenchCase, type SeriesPoint } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, isOk, latestRun } from "../data.js";
import { failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

const A = "#0072B2";
const B = "#D55E00";
const points = (series: SeriesPoint[], field: string) =>
  series.filter((p) => typeof p[field] === "number").map((p) => ({ x: p.t / 1000, y: p[field] as number }));

/** Per-key limits: a healthy server A and an overloaded B through one pool, against the alternatives. */
export function renderPerKey(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "per-key",
    "Per-key limits: two downstreams, one pool",
    "Server A (capacity 32) and server B (capacity 4) share one AsyncPoolExecutor. One limit for both either starves A or drowns B; perKey \"auto\" learns a limit per server. Then B's capacity drops 4 → 1 mid-run: A should not notice."
  );
  root.append(view);
  const run = latestRun(ctx.results, "per-key", ctx.runtime);
  if (!run) {
    view.append(noRunsNotice("per-key", ctx.runtime));
    return;
  }
  const r = run.result;
  const charts = grid();
  view.append(charts);
  const sweep = r.cases.filter((c) => c.metrics?.["tasksPerSecA"] !== undefined);
  if (sweep.length) {
    const value = (c: BenchCase, k: string) => (isOk(c) ? (c.metrics?.[k] ?? null) : null);
    const datasets = [
      { label: "server A (healthy), tasks/s", data: sweep.map((c) => value(c, "tasksPerSecA")), backgroundColor: A },
      { label: "server B (overloaded), tasks/s", data: sweep.map((c) => value(c, "tasksPerSecB")), backgroundColor: B },
    ];
    const failures = failureList(sweep);
    addChart(
      charts,
      {
        id: "per-key-throughput",
        title: "Throughput per server (higher is better)",
        caption: `Completed requests per second to A and to B under each way of limiting them, same client load, on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: { labels: sweep.map((c) => c.name), datasets },
        options: {
          scales: { x: categoryAxis("how the calls are limited"), y: autoAxis("throughput (tasks/s)", datasets.flatMap((d) => d.data)) },
          plugins: { tooltip: tooltipUnit("tasks/s") },
        },
      }
    );
  }
  const drop = r.cases.find((c) => (c.series?.["limit"]?.length ?? 0) > 0);
  const series = drop?.series?.["limit"] ?? [];
  if (drop && series.length) {
    addChart(
      charts,
      {
        id: "per-key-limits",
        title: "Per-key limits while B's capacity drops",
        caption: `The limit perKey "auto" holds for A and for B, and B's capacity, over time (case "${drop.name}"), on ${describeRun(r)}.`,
      },
      {
        type: "line",
        data: {
          datasets: [
            { label: "limit A", data: points(series, "limitA"), borderColor: A, backgroundColor: A, stepped: true, pointRadius: 0, borderWidth: 2 },
            { label: "limit B", data: points(series, "limitB"), borderColor: B, backgroundColor: B, stepped: true, pointRadius: 0, borderWidth: 2 },
            { label: "capacity of B", data: points(series, "capacityB"), borderColor: "#6B7280", backgroundColor: "#6B7280", borderDash: [6, 4], stepped: true, pointRadius: 0, borderWidth: 1.5 },
          ],
        },
        options: {
          scales: { x: { ...valueAxis("time since start (s)"), type: "linear" }, y: valueAxis("requests in flight") },
          plugins: { tooltip: tooltipUnit("in flight") },
        },
      }
    );
    addChart(
      charts,
      {
        id: "per-key-drop-throughput",
        title: "Throughput per server while B's capacity drops",
        caption: `Completed requests per second to A and to B around the drop (case "${drop.name}"), on ${describeRun(r)}.`,
      },
      {
        type: "line",
        data: {
          datasets: [
            { label: "server A", data: points(series, "throughputA"), borderColor: A, backgroundColor: A, pointRadius: 0, borderWidth: 2 },
            { label: "server B", data: points(series, "throughputB"), borderColor: B, backgroundColor: B, pointRadius: 0, borderWidth: 2 },
          ],
        },
        options: {
          scales: { x: { ...valueAxis("time since start (s)"), type: "linear" }, y: valueAxis("throughput (requests/s)") },
          plugins: { tooltip: tooltipUnit("requests/s") },
        },
      }
    );
  }
  if (figuresOf(r).length) view.append(ratioTable([run]));
}
