import type { BenchCase } from "@concurrent/bench-schema";
import { addChart, categoryAxis, colorFor, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, latestRun, unique } from "../data.js";
import { el } from "../dom.js";
import { fmtMs } from "../format.js";
import { failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";

const arrivalsOf = (c: BenchCase) => c.series?.["arrivals"] ?? [];

/** Time to first result: the recorded metric, else the first arrival. */
function firstResultMs(c: BenchCase): number | undefined {
  return c.metrics?.["firstResultMs"] ?? arrivalsOf(c)[0]?.t;
}

/** (b) When each result reached the consumer, for `map` (input order) and `asCompleted`. */
export function renderOrdered(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "ordered-vs-unordered",
    "Ordered vs unordered",
    "What input order costs: map yields results in input order, so one slow early task holds back every later result; submit + asCompleted yields each result as it completes."
  );
  root.append(view);
  const run = latestRun(ctx.results, "ordered-vs-unordered", ctx.runtime);
  if (!run) {
    view.append(noRunsNotice("ordered-vs-unordered", ctx.runtime));
    return;
  }
  const r = run.result;
  const charts = grid();
  view.append(charts);
  const executors = unique(r.cases.map((c) => c.labels.executor ?? "executor"));
  const orderings = unique(r.cases.map((c) => c.labels.ordering ?? c.name));

  for (const executor of executors) {
    const cases = r.cases.filter((c) => (c.labels.executor ?? "executor") === executor);
    const withSeries = cases.filter((c) => arrivalsOf(c).length > 0);
    if (withSeries.length === 0) continue;
    const tasks = Math.max(...withSeries.map((c) => arrivalsOf(c).at(-1)?.n ?? 0));
    addChart(
      charts,
      {
        id: `ordered-arrivals-${executor}`,
        title: `Arrival timeline: ${executor}`,
        caption: `Results received by the consumer over time for ${tasks} tasks of mixed duration on ${executor}, on ${describeRun(
          r
        )}.`,
        ...(cases.some((c) => (c.status ?? "ok") !== "ok") ? { footer: failureList(cases)! } : {}),
      },
      {
        type: "line",
        data: {
          datasets: withSeries.map((c, i) => {
            const color = colorFor(c.labels.ordering ?? c.name, i);
            return {
              label: c.labels.ordering ?? c.name,
              data: arrivalsOf(c).map((p) => ({ x: p.t, y: p["n"] ?? 0 })),
              borderColor: color,
              backgroundColor: color,
              stepped: true,
              pointRadius: 0,
              borderWidth: 2,
            };
          }),
        },
        options: {
          scales: {
            x: { ...valueAxis("time since start (ms)"), type: "linear" },
            y: valueAxis("results received (count)"),
          },
          plugins: { tooltip: tooltipUnit("results") },
          interaction: { mode: "nearest", intersect: false },
        },
      }
    );
  }

  const metricCases = r.cases.filter((c) => firstResultMs(c) !== undefined);
  const table = el(
    "table",
    { class: "metrics" },
    el(
      "thead",
      {},
      el("tr", {}, ...["case", "first result", "mean time to a result", "total"].map((h) => el("th", {}, h)))
    ),
    el(
      "tbody",
      {},
      ...metricCases.map((c) => {
        const cell = (v: number | undefined) => el("td", {}, v === undefined ? "—" : fmtMs(v));
        return el(
          "tr",
          {},
          el("td", {}, c.name),
          cell(firstResultMs(c)),
          cell(c.metrics?.["meanResultMs"]),
          cell(c.metrics?.["totalMs"] ?? arrivalsOf(c).at(-1)?.t)
        );
      })
    )
  );
  addChart(
    charts,
    {
      id: "ordered-first-result",
      title: "Time to first result",
      caption: `Milliseconds from the call until the consumer holds its first result, per executor and ordering, on ${describeRun(
        r
      )}.`,
      footer: table,
    },
    {
      type: "bar",
      data: {
        labels: executors,
        datasets: orderings.map((ordering, i) => {
          const color = colorFor(ordering, i);
          return {
            label: ordering,
            data: executors.map((executor) => {
              const c = r.cases.find(
                (x) => (x.labels.executor ?? "executor") === executor && (x.labels.ordering ?? x.name) === ordering
              );
              return c ? firstResultMs(c) ?? null : null;
            }),
            backgroundColor: color,
            borderColor: color,
          };
        }),
      },
      options: {
        scales: { x: categoryAxis("executor"), y: valueAxis("time to first result (ms, lower is better)") },
        plugins: { tooltip: tooltipUnit("ms") },
      },
    }
  );
}
