import { SUITES, type SuiteName } from "@concurrent/bench-schema";
import { addChart, categoryAxis, colorFor, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, isOk, latestRun } from "../data.js";
import { failureList, grid, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

/** Suites without a view of their own: one bar per case. */
export const OTHER_SUITES: SuiteName[] = SUITES.filter((s) => s === "scaleout" || s === "load");

export function renderOther(root: HTMLElement, ctx: ViewContext): void {
  const runs = OTHER_SUITES.map((suite) => latestRun(ctx.results, suite, ctx.runtime)).filter((r) => r !== undefined);
  if (runs.length === 0) return;
  const view = section("other", "Other suites", "Throughput of every case of the suites without a view of their own.");
  root.append(view);
  const charts = grid();
  view.append(charts);
  for (const run of runs) {
    const r = run.result;
    const failures = failureList(r.cases);
    addChart(
      charts,
      {
        id: `other-${r.suite}`,
        title: r.suite,
        caption: `Tasks per second of each ${r.suite} case, on ${describeRun(r)}.`,
        ...(failures ? { footer: failures } : {}),
      },
      {
        type: "bar",
        data: {
          labels: r.cases.map((c) => c.name),
          datasets: [
            {
              label: "throughput",
              data: r.cases.map((c) => (isOk(c) && c.stats ? c.stats.throughput : null)),
              backgroundColor: colorFor(r.runtime.name, 0),
            },
          ],
        },
        options: {
          scales: { x: categoryAxis("case"), y: valueAxis("throughput (tasks/s)") },
          plugins: { tooltip: tooltipUnit("tasks/s") },
        },
      }
    );
    if (r.ratios && Object.keys(r.ratios).length) view.append(ratioTable([run]));
  }
}
