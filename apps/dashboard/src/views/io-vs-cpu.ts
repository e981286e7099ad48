import type { ChartDataset } from "chart.js";
import { medianThroughput, type BenchCase, type RuntimeName } from "@concurrent/bench-schema";
import { addChart, autoAxis, categoryAxis, colorFor, tooltipUnit, valueAxis } from "../charts.js";
import { describeRun, isOk, latestRun, RUNTIME_LABEL, unique } from "../data.js";
import { el } from "../dom.js";
import type { LoadedFile } from "../load.js";
import { byKind, failureList, grid, noRunsNotice, section, type ViewContext } from "./context.js";

const SEQUENTIAL = "sequential";

function kindTitle(kind: string): string {
  if (kind.startsWith("io")) return `IO-bound task: ${kind}`;
  if (kind.startsWith("cpu")) return `CPU-bound task: ${kind}`;
  return `Task: ${kind}`;
}

/** (a) Throughput or speedup against maxWorkers, one line per executor, one chart per task kind. */
export function renderIoVsCpu(root: HTMLElement, ctx: ViewContext): void {
  const view = section(
    "io-vs-cpu",
    "IO-bound vs CPU-bound",
    "Which executor to use: the async pool should scale IO-bound work with concurrency and do nothing for CPU-bound work; the worker pool should scale CPU-bound work up to the core count."
  );
  root.append(view);

  const runtimes: RuntimeName[] = ctx.compareRuntimes ? (["node", "bun", "deno"] as const).slice() : [ctx.runtime];
  const runs = runtimes
    .map((rt) => latestRun(ctx.results, "io-vs-cpu", rt))
    .filter((r): r is LoadedFile => r !== undefined);
  if (runs.length === 0) {
    view.append(noRunsNotice("io-vs-cpu", ctx.runtime));
    return;
  }

  const charts = grid();
  view.append(charts);
  const kinds = unique(runs.flatMap((r) => r.result.cases.map((c) => c.labels.taskKind ?? "task"))).sort(byKind);
  for (const kind of kinds) {
    const ofKind = (r: LoadedFile) => r.result.cases.filter((c) => (c.labels.taskKind ?? "task") === kind);
    const widths = unique(
      runs.flatMap((r) =>
        ofKind(r)
          .map((c) => c.labels.maxWorkers)
          .filter((w): w is number => typeof w === "number")
      )
    ).sort((a, b) => a - b);
    const speedup =
      ctx.metric === "speedup" && runs.every((r) => ofKind(r).some((c) => c.labels.executor === SEQUENTIAL && isOk(c)));

    const datasets: ChartDataset<"line", (number | null)[]>[] = [];
    const failed: BenchCase[] = [];
    runs.forEach((run, ri) => {
      const cases = ofKind(run);
      failed.push(...cases.filter((c) => !isOk(c)));
      const rt = run.result.runtime.name;
      // At the median iteration, as the suite's figures and speedups are.
      const seqStats = cases.find((c) => c.labels.executor === SEQUENTIAL && isOk(c))?.stats;
      const seq = seqStats ? medianThroughput(seqStats) : undefined;
      const value = (tp: number) => (speedup && seq ? tp / seq : tp);
      const prefix = ctx.compareRuntimes ? `${RUNTIME_LABEL[rt]} · ` : "";
      const executors = unique(cases.map((c) => c.labels.executor ?? "executor")).filter((e) => e !== SEQUENTIAL);
      executors.forEach((executor, ei) => {
        const color = ctx.compareRuntimes ? colorFor(rt, ri) : colorFor(executor, ei);
        datasets.push({
          label: `${prefix}${executor}`,
          data: widths.map((w) => {
            const c = cases.find((x) => x.labels.executor === executor && x.labels.maxWorkers === w);
            return c && isOk(c) && c.stats ? value(medianThroughput(c.stats)) : null;
          }),
          borderColor: color,
          backgroundColor: color,
          borderDash: ctx.compareRuntimes && ei > 0 ? [6, 4] : [],
          pointRadius: 3,
          tension: 0,
        });
      });
      if (seq !== undefined) {
        const color = ctx.compareRuntimes ? colorFor(rt, ri) : colorFor(SEQUENTIAL, 0);
        datasets.push({
          label: `${prefix}sequential (main thread)`,
          data: widths.map(() => value(seq)),
          borderColor: color,
          backgroundColor: color,
          borderDash: [2, 3],
          borderWidth: 1.5,
          pointRadius: 0,
        });
      }
    });

    const first = runs[0]!.result;
    const what = speedup
      ? `Speedup over running the ${kind} tasks one after another in the main thread`
      : `Tasks per second of the ${kind} task`;
    const where = ctx.compareRuntimes
      ? `on ${runs.map((r) => `${RUNTIME_LABEL[r.result.runtime.name]} ${r.result.runtime.version}`).join(", ")}, ${
          first.machine.cpuModel
        } (${first.machine.cpus} CPUs)`
      : `on ${describeRun(first)}`;
    addChart(
      charts,
      {
        id: `io-vs-cpu-${kind}`,
        title: kindTitle(kind),
        caption: `${what}, by executor, against maxWorkers, ${where}.`,
        ...(failed.length ? { footer: failureList(failed)! } : {}),
      },
      {
        type: "line",
        data: { labels: widths.map(String), datasets },
        options: {
          scales: {
            x: categoryAxis("maxWorkers (tasks in flight)"),
            y: speedup
              ? valueAxis("speedup over sequential (×)")
              : autoAxis("median throughput (tasks/s)", datasets.flatMap((d) => d.data as (number | null)[])),
          },
          plugins: { tooltip: tooltipUnit(speedup ? "×" : "tasks/s") },
          interaction: { mode: "index", intersect: false },
        },
      }
    );
  }
  if (ctx.metric === "speedup" && !runs.every((r) => r.result.cases.some((c) => c.labels.executor === SEQUENTIAL))) {
    view.append(el("p", { class: "note" }, "Some runs have no sequential baseline, so their charts show throughput."));
  }
}
