import { figuresOf, type BenchCase } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, colorFor, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, isOk, latestRun } from "../data.js";
import { failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

const rss = (c: BenchCase) => (isOk(c) ? (c.metrics?.["rssExtraMB"] ?? null) : null);
const executorColor = (c: BenchCase) => colorFor(String(c.labels.executor ?? ""), 0);

/** Load: memory under a big input (MB, lower is better) and a million tiny tasks per executor. */
export function renderLoad(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "load",
    "Under load",
    "Each case in a fresh process: how much memory a long input costs (map with buffersize over 10 million items, a million submits awaited as completed) against a 100 MB budget, and a million tiny tasks through each executor with an exact checksum."
  );
  root.append(view);
  const run = latestRun(ctx.results, "load", ctx.runtime);
  if (!run) {
    view.append(noRunsNotice("load", ctx.runtime));
    return;
  }
  const r = run.result;
  const charts = grid();
  view.append(charts);
  const memory = r.cases.filter((c) => c.group !== "tiny-load" && c.metrics?.["rssExtraMB"] !== undefined);
  if (memory.length) {
    const failures = failureList(memory);
    addChart(
      charts,
      {
        id: "load-rss",
        title: "Memory under load: extra RSS (MB, lower is better)",
        caption: `Resident memory above the process's start while each case runs, against the 100 MB budget (dashed), on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: memory.map((c) => c.name),
          datasets: [
            { label: "extra RSS (MB)", data: memory.map(rss), backgroundColor: memory.map(executorColor) },
            {
              type: "line",
              label: "budget 100 MB",
              data: memory.map(() => 100),
              borderColor: "#B91C1C",
              backgroundColor: "#B91C1C",
              borderDash: [6, 4],
              pointRadius: 0,
              borderWidth: 1.5,
            },
          ] as never,
        },
        options: {
          scales: { x: categoryAxis("case"), y: { ...valueAxis("extra RSS (MB, lower is better)"), suggestedMax: 110 } },
          plugins: { tooltip: tooltipUnit("MB") },
        },
      }
    );
  }
  const tiny = r.cases.filter((c) => c.group === "tiny-load");
  if (tiny.length) {
    const values = tiny.map((c) => (isOk(c) && c.stats ? c.stats.throughput : null));
    addChart(
      charts,
      {
        id: "load-throughput",
        title: "A million tiny tasks (higher is better)",
        caption: `Tasks per second of 1,000,000 tiny tasks through each executor, checksum verified, on ${describeRun(r)}.`,
      },
      {
        type: "bar",
        data: {
          labels: tiny.map((c) => String(c.labels.executor ?? c.name)),
          datasets: [{ label: "tasks/s", data: values, backgroundColor: tiny.map(executorColor) }],
        },
        options: {
          scales: { x: categoryAxis("executor"), y: autoAxis("throughput (tasks/s)", values) },
          plugins: { tooltip: tooltipUnit("tasks/s") },
        },
      }
    );
  }
  if (figuresOf(r).length) view.append(ratioTable([run]));
}
