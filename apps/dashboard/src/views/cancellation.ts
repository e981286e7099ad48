import { figuresOf, TARGETS, type BenchCase } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, latestRun } from "../data.js";
import { failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";
import { ratioTable } from "./ratios.js";

const KINDS = ["good-only", "honouring", "ignoring"] as const;
const LABEL: Record<string, string> = {
  "good-only": "the good calls alone",
  honouring: "hanging tasks honour currentSignal()",
  ignoring: "hanging tasks ignore it",
};
const COLOR: Record<string, string> = { "good-only": "#6B7280", honouring: "#0072B2", ignoring: "#D55E00" };
const TARGET = "#B91C1C";

/** Cancellation: run-time timeouts on a worker pool, tasks that honour the signal vs ignore it. */
export function renderCancellation(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "cancellation",
    "Cancellation: run-time timeouts on a worker pool",
    "A worker pool of 8 runs calls that work 20 ms, with every tenth call hanging instead, each submitted with a run-time timeout of 50 ms. Tasks that honour currentSignal() stop at the timeout and keep their worker; tasks that ignore it are stopped after the grace period by terminating their worker, which is then replaced. Reference: the good calls alone."
  );
  root.append(view);
  const run = latestRun(ctx.results, "cancellation", ctx.runtime);
  if (!run) {
    view.append(noRunsNotice("cancellation", ctx.runtime));
    return;
  }
  const r = run.result;
  const charts = grid();
  view.append(charts);
  const cases = KINDS.map((k) => r.cases.find((c) => c.labels.tasks === k)).filter((c): c is BenchCase => c !== undefined);
  if (!cases.length) return;
  const kind = (c: BenchCase) => String(c.labels.tasks);
  const value = (c: BenchCase, k: string) => c.metrics?.[k] ?? null;
  const labels = cases.map((c) => `${LABEL[kind(c)] ?? kind(c)} (${c.stats?.opsPerIteration ?? "?"} calls)`);
  const colors = cases.map((c) => COLOR[kind(c)] ?? "#000000");
  const p = r.parameters as { timeout?: number; grace?: number };
  const good = cases.find((c) => kind(c) === "good-only");
  const target = TARGETS["cancellation/honouring/good-only"]?.target ?? 1.5;
  const goodMs = good ? value(good, "totalMs") : null;
  const totals = cases.map((c) => value(c, "totalMs"));
  const failures = failureList(cases);
  addChart(
    charts,
    {
      id: "cancellation-time",
      title: "Total time (ms, lower is better)",
      caption: `Time until every call has settled (median of the rounds), timeout ${p.timeout ?? "?"} ms, grace ${p.grace ?? "?"} ms; dashed: the target for honouring tasks, ${target}× the good calls alone; on ${describeRun(r)}.`,
      ...(failures ? { footer: failures } : {}),
    },
    {
      type: "bar",
      data: {
        labels,
        datasets: [
          { label: "total time (ms)", data: totals, backgroundColor: colors },
          {
            type: "line",
            label: `target: ${target}× the good calls alone`,
            data: cases.map(() => (goodMs === null ? null : goodMs * target)),
            borderColor: TARGET,
            backgroundColor: TARGET,
            borderDash: [6, 4],
            pointRadius: 0,
            borderWidth: 1.5,
          },
        ] as never,
      },
      options: {
        scales: { x: categoryAxis("tasks"), y: autoAxis("total time (ms, lower is better)", [...totals, goodMs === null ? null : goodMs * target]) },
        plugins: { tooltip: tooltipUnit("ms") },
      },
    }
  );
  addChart(
    charts,
    {
      id: "cancellation-respawns",
      title: "Workers replaced (lower is better)",
      caption: `Workers started after the pool was warm, i.e. replacements for workers terminated to stop a task (median of the rounds), next to the calls that timed out, on ${describeRun(r)}.`,
    },
    {
      type: "bar",
      data: {
        labels,
        datasets: [
          { label: "worker respawns", data: cases.map((c) => value(c, "respawns")), backgroundColor: COLOR["ignoring"] },
          { label: "calls timed out", data: cases.map((c) => value(c, "timedOut")), backgroundColor: "rgba(107, 114, 128, 0.35)", borderColor: "#6B7280", borderWidth: 1 },
        ],
      },
      options: {
        scales: { x: categoryAxis("tasks"), y: valueAxis("count") },
        plugins: { tooltip: tooltipUnit("") },
      },
    }
  );
  if (figuresOf(r).length) view.append(ratioTable([run]));
}
