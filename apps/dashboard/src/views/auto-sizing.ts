import type { BenchCase, SeriesPoint } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, colorFor, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, isOk, latestRun } from "../data.js";
import { failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

const limitSeries = (c: BenchCase): SeriesPoint[] => c.series?.["limit"] ?? [];
const points = (series: SeriesPoint[], field: string) =>
  series.filter((p) => typeof p[field] === "number").map((p) => ({ x: p.t / 1000, y: p[field] as number }));

/** (e) maxWorkers: "auto" — its limit following the server's capacity, and auto against fixed sizes. */
export function renderAutoSizing(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "auto-sizing",
    'Self-sizing: maxWorkers "auto"',
    "A server answers at its base latency up to C requests in flight and slows down steeply past C. The auto limit should find C without being told, follow it when C changes, and match the best fixed maxWorkers."
  );
  root.append(view);
  const run = latestRun(ctx.results, "auto-sizing", ctx.runtime);
  if (!run) {
    view.append(noRunsNotice("auto-sizing", ctx.runtime));
    return;
  }
  const r = run.result;
  const charts = grid();
  view.append(charts);

  // The run the view exists for: the one where C changes (16 → 4 → 32), i.e. the case whose
  // timeline spans the most capacity values — not the fixed-C "auto" case of the sweep.
  const capacities = (c: BenchCase) => new Set(limitSeries(c).map((p) => p["capacity"])).size;
  const timeline = r.cases
    .filter((c) => limitSeries(c).length > 0)
    .sort((a, b) => capacities(b) - capacities(a) || Number(b.group === "changing-capacity") - Number(a.group === "changing-capacity"))[0];
  if (timeline) {
    const series = limitSeries(timeline);
    addChart(
      charts,
      {
        id: "auto-limit",
        title: "In-flight limit against capacity C",
        caption: `The auto executor's in-flight limit and the server's capacity C over time while C changes ${[
          ...new Set(series.map((p) => p["capacity"])),
        ].join(" → ")} (case "${timeline.name}"), on ${describeRun(r)}.`,
      },
      {
        type: "line",
        data: {
          datasets: [
            {
              label: "auto limit",
              data: points(series, "limit"),
              borderColor: colorFor("auto", 0),
              backgroundColor: colorFor("auto", 0),
              stepped: true,
              pointRadius: 0,
              borderWidth: 2,
            },
            {
              label: "server capacity C",
              data: points(series, "capacity"),
              borderColor: "#D55E00",
              backgroundColor: "#D55E00",
              borderDash: [6, 4],
              stepped: true,
              pointRadius: 0,
              borderWidth: 2,
            },
          ],
        },
        options: {
          scales: { x: { ...valueAxis("time since start (s)"), type: "linear" }, y: valueAxis("requests in flight") },
          plugins: { tooltip: tooltipUnit("in flight") },
          interaction: { mode: "index", intersect: false },
        },
      }
    );
    addChart(
      charts,
      {
        id: "auto-throughput",
        title: "Throughput over time",
        caption: `Completed requests per second of the auto executor while C changes (case "${
          timeline.name
        }"), on ${describeRun(r)}.`,
      },
      {
        type: "line",
        data: {
          datasets: [
            {
              label: "throughput",
              data: points(series, "throughput"),
              borderColor: "#009E73",
              backgroundColor: "#009E73",
              pointRadius: 0,
              borderWidth: 2,
            },
          ],
        },
        options: {
          scales: {
            x: { ...valueAxis("time since start (s)"), type: "linear" },
            y: valueAxis("throughput (requests/s)"),
          },
          plugins: { tooltip: tooltipUnit("requests/s") },
        },
      }
    );
  }

  const capacity = r.parameters["capacity"];
  const c = Array.isArray(capacity) ? capacity.join(" → ") : String(capacity ?? "unknown");
  // The bars compare sizes at a fixed C: the run where C changes is not one of them.
  const sized = r.cases.filter((c) => c.labels.maxWorkers !== undefined && capacities(c) <= 1);
  const fixed = sized
    .filter((c) => typeof c.labels.maxWorkers === "number")
    .sort((a, b) => (a.labels.maxWorkers as number) - (b.labels.maxWorkers as number));
  const auto = sized.filter((c) => c.labels.maxWorkers === "auto");
  const bars = [...fixed, ...auto];
  if (bars.length) {
    const failures = failureList(bars);
    addChart(
      charts,
      {
        id: "auto-vs-fixed",
        title: "auto against fixed maxWorkers",
        caption: `Requests per second against a server of capacity C = ${c} for each fixed maxWorkers and for "auto", on ${describeRun(
          r
        )}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: bars.map((c) => String(c.labels.maxWorkers)),
          // Two datasets that share the slots (grouped: false) so the legend tells auto from fixed.
          datasets: (["fixed maxWorkers", "auto"] as const).map((label) => {
            const color = label === "auto" ? "#D55E00" : "#0072B2";
            return {
              label,
              data: bars.map((c) =>
                (c.labels.maxWorkers === "auto") === (label === "auto") && isOk(c) && c.stats
                  ? c.stats.throughput
                  : null
              ),
              backgroundColor: color,
              borderColor: color,
              grouped: false,
            };
          }),
        },
        options: {
          scales: {
            x: categoryAxis("maxWorkers"),
            y: autoAxis(
              "throughput (requests/s)",
              bars.map((c) => c.stats?.throughput)
            ),
          },
          plugins: { tooltip: tooltipUnit("requests/s") },
        },
      }
    );
  }
  if (r.ratios && Object.keys(r.ratios).length) view.append(ratioTable([run]));
}
