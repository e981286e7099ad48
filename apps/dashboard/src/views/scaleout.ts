import { figuresOf, type BenchCase } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, colorFor, tooltipUnit } from "../charts.js";
import { describeRun, isOk, latestRun } from "../data.js";
import { failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

const tput = (c: BenchCase) => (isOk(c) && c.stats ? c.stats.throughput : null);

/** Scale-out over Redis: QueueExecutor against raw BullMQ, and the CPU sweep over worker processes. */
export function renderScaleout(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "scaleout",
    "Scale-out over Redis",
    "QueueExecutor (BullMQ + Redis underneath) against raw BullMQ on the same Redis, and fib(27) spread over 1 and 2 QueueWorker processes: what a second machine buys, measured on one."
  );
  root.append(view);
  const run = latestRun(ctx.results, "scaleout", ctx.runtime);
  if (!run) {
    view.append(noRunsNotice("scaleout", ctx.runtime));
    return;
  }
  const r = run.result;
  const charts = grid();
  view.append(charts);
  const queue = r.cases.filter((c) => c.group !== "cpu-sweep");
  if (queue.length) {
    const failures = failureList(queue);
    addChart(
      charts,
      {
        id: "scaleout-bullmq",
        title: "QueueExecutor against raw BullMQ (higher is better)",
        caption: `Tasks per second through Redis: submit and map(chunksize) of QueueExecutor, and raw BullMQ (Queue.add + a Worker), on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: queue.map((c) => c.name),
          datasets: [
            {
              label: "tasks/s",
              data: queue.map(tput),
              backgroundColor: queue.map((c) => (c.labels.executor === "QueueExecutor" ? colorFor("QueueExecutor", 0) : "#6B7280")),
            },
          ],
        },
        options: {
          scales: { x: categoryAxis("case"), y: autoAxis("throughput (tasks/s)", queue.map(tput)) },
          plugins: { tooltip: tooltipUnit("tasks/s"), legend: { display: true } },
        },
      }
    );
  }
  const sweep = r.cases.filter((c) => c.group === "cpu-sweep");
  if (sweep.length) {
    const failures = failureList(sweep);
    addChart(
      charts,
      {
        id: "scaleout-cpu",
        title: "CPU-bound over worker processes (higher is better)",
        caption: `fib(27) tasks per second through one QueueExecutor, run by 1 and by 2 QueueWorker processes (maxWorkers 1 each), on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: sweep.map((c) => `${c.labels["processes"] ?? "?"} process${c.labels["processes"] === 1 ? "" : "es"}`),
          datasets: [{ label: "fib(27) tasks/s", data: sweep.map(tput), backgroundColor: colorFor("QueueExecutor", 0) }],
        },
        options: {
          scales: { x: categoryAxis("QueueWorker processes"), y: autoAxis("throughput (tasks/s)", sweep.map(tput)) },
          plugins: { tooltip: tooltipUnit("tasks/s") },
        },
      }
    );
  }
  if (figuresOf(r).length) view.append(ratioTable([run]));
}
