import type { Chart, Plugin } from "chart.js";
import { medianThroughput, type BenchCase, type RuntimeName } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, colorFor, tooltipUnit } from "../charts.js";
import { isOk, latestRun, RUNTIME_LABEL, unique } from "../data.js";
import { code, el, notice } from "../dom.js";
import { fmtDate, shortSha } from "../format.js";
import type { LoadedFile } from "../load.js";
import { failureList, grid, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

const US = "@concurrent/futures";
const peerOf = (c: BenchCase) => {
  const variant = c.labels["variant"];
  return `${c.labels.peer ?? c.name}${typeof variant === "string" ? ` (${variant})` : ""}`;
};
const isUs = (p: string) => p.startsWith(US);

/**
 * What a group's bars show. Most groups: tasks per second (higher is better). The round trip:
 * ms per task (lower is better). Memory: extra RSS in MB (lower is better), on its own chart.
 */
const MEASURES: { [group: string]: { title: string; axis: string; unit: string; value: (c: BenchCase) => number | null; what: string } } = {
  roundtrip: {
    title: "Round trip: one task on a warm pool (lower is better)",
    axis: "ms per task (lower is better)",
    unit: "ms",
    value: (c) => (c.stats ? 1000 / medianThroughput(c.stats) : null),
    what: "Median milliseconds from submit to result of a single task on a warm pool",
  },
  "roundtrip-in-turns": {
    title: "Round trip, ours and raw postMessage timed in turns in one process (lower is better)",
    axis: "ms per task (lower is better)",
    unit: "ms",
    value: (c) => c.metrics?.["latencyMs"] ?? null,
    what: "Median milliseconds from submit to result of a single task, ours and raw postMessage taken in turns in one process (the child with the median ratio); the roundtrip/raw ratio uses these",
  },
  "cpu-fib27-in-turns": {
    title: "64 × fib(27), ours and bare threads timed in turns in one process",
    axis: "tasks/s (higher is better)",
    unit: "tasks/s",
    value: (c) => c.metrics?.["throughput"] ?? null,
    what: "Tasks per second of 64 × fib(27) on our pool and on as many bare threads started by hand, taken in turns in one process (the child with the median ratio); the cpu-fib27/bare-threads ratio uses these",
  },
  memory: {
    title: "Memory: extra RSS of map with buffersize (lower is better)",
    axis: "extra RSS (MB, lower is better)",
    unit: "MB",
    value: (c) => c.metrics?.["rssExtraMB"] ?? null,
    what: "Resident memory above the start (MB) while map with buffersize walks its input",
  },
};
// At the median iteration, as the figures in the ratio table below the charts compare.
const THROUGHPUT = {
  axis: "median throughput (tasks/s)",
  unit: "tasks/s",
  value: (c: BenchCase) => (c.stats ? medianThroughput(c.stats) : null),
};

/**
 * Writes the status ("✕ timeout") where a failed case's bar would stand, so a peer that hangs
 * is visibly marked in the chart rather than missing from it.
 */
const failureMarks = (statuses: (string | null)[][]): Plugin<"bar"> => ({
  id: "failureMarks",
  afterDatasetsDraw(chart: Chart<"bar">) {
    const { ctx, scales } = chart;
    const y = scales["y"];
    if (!y) return;
    ctx.save();
    ctx.fillStyle = "#B91C1C";
    ctx.font = "bold 12px system-ui, sans-serif";
    ctx.textAlign = "center";
    statuses.forEach((row, di) => {
      const meta = chart.getDatasetMeta(di);
      if (meta.hidden) return;
      row.forEach((status, i) => {
        const bar = meta.data[i];
        if (!status || !bar || !Number.isFinite(bar.x)) return;
        ctx.save();
        ctx.translate(bar.x, y.bottom - 6);
        ctx.rotate(-Math.PI / 2);
        ctx.textAlign = "left";
        ctx.textBaseline = "middle";
        ctx.fillText(`✕ ${status}`, 0, 0);
        ctx.restore();
      });
    });
    ctx.restore();
  },
});

/** (c) Tiny-task throughput of us and each peer pool, per runtime; failures and hangs marked. */
export function renderPeers(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "peers",
    "Us against the peer pools",
    "Tiny tasks (x => x * x) through each pool, per runtime; raw postMessage is the ceiling. A pool that hangs or fails on a runtime is marked ✕ in red and listed under the chart."
  );
  root.append(view);
  const runs = (["node", "bun", "deno"] as RuntimeName[])
    .map((rt) => latestRun(ctx.results, "peers", rt))
    .filter((r): r is LoadedFile => r !== undefined);
  if (runs.length === 0) {
    view.append(notice("info", "No peers results yet. Make them with ", code("npm run bench"), "."));
    return;
  }
  const charts = grid();
  view.append(charts);
  const groups = unique(runs.flatMap((r) => r.result.cases.map((c) => c.group ?? "peers")));
  for (const group of groups) {
    const casesOf = (r: LoadedFile) => r.result.cases.filter((c) => (c.group ?? "peers") === group);
    const peers = unique(runs.flatMap((r) => casesOf(r).map(peerOf))).sort(
      (a, b) => Number(isUs(b)) - Number(isUs(a))
    );
    const measure = MEASURES[group] ?? { ...THROUGHPUT, title: `Throughput: ${group} (higher is better)`, what: `Tasks per second of each pool for the ${group} benchmark` };
    const statuses: (string | null)[][] = [];
    const datasets = runs.map((run, i) => {
      const rt = run.result.runtime.name;
      const cases = casesOf(run);
      statuses.push(
        peers.map((p) => {
          const c = cases.find((x) => peerOf(x) === p);
          return c && !isOk(c) ? c.status ?? "failed" : null;
        })
      );
      const color = colorFor(rt, i);
      return {
        label: `${RUNTIME_LABEL[rt]} ${run.result.runtime.version}`,
        data: peers.map((p) => {
          const c = cases.find((x) => peerOf(x) === p);
          return c && isOk(c) ? measure.value(c) : null;
        }),
        backgroundColor: color,
        borderColor: color,
      };
    });
    const failures = el(
      "div",
      {},
      ...runs.map((r) => failureList(casesOf(r), `${RUNTIME_LABEL[r.result.runtime.name]}: `))
    );
    const m = runs[0]!.result.machine;
    const when = runs
      .map((r) => `${RUNTIME_LABEL[r.result.runtime.name]} ${fmtDate(r.result.date)} (${shortSha(r.result.commit)})`)
      .join(", ");
    addChart(
      charts,
      {
        id: `peers-${group}`,
        title: measure.title,
        caption: `${measure.what}, one bar per runtime, on ${m.cpuModel} (${m.cpus} CPUs, ${m.os} ${m.arch}); runs ${when}.`,
        footer: failures,
      },
      {
        type: "bar",
        data: { labels: peers.map((p) => (isUs(p) ? `${p} ← us` : p)), datasets },
        options: {
          scales: { x: categoryAxis("pool"), y: autoAxis(measure.axis, datasets.flatMap((d) => d.data)) },
          plugins: { tooltip: tooltipUnit(measure.unit) },
        },
        plugins: [failureMarks(statuses)],
      }
    );
  }
  const ratioRuns = runs.filter((r) => r.result.ratios && Object.keys(r.result.ratios).length > 0);
  if (ratioRuns.length) view.append(ratioTable(ratioRuns));
}
