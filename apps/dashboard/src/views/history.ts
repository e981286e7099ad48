import { figuresOf, SUITES, type Figure } from "@concurrent/bench-schema";
import { addChart, categoryAxis, tooltipUnit, valueAxis } from "../charts.js";
import { runsOf, RUNTIME_LABEL, unique } from "../data.js";
import { notice } from "../dom.js";
import { fmtDate, shortSha } from "../format.js";
import type { LoadedFile } from "../load.js";
import { section, type ViewContext } from "./context.js";

const runLabel = (r: LoadedFile) =>
  `${fmtDate(r.result.date).slice(5, 16)} · ${shortSha(r.result.commit)}${r.result.mode === "ci" ? " (ci)" : ""}`;

/** A chart id from a figure name ("tiny-submit/piscina" → "history-tiny-submit-piscina"). */
const idOf = (name: string) => `history-${name.replace(/[^A-Za-z0-9]+/g, "-")}`;

/**
 * (d) Small multiples: one chart per figure, its ratio across the runs of the chosen runtime,
 * oldest to newest, with the target as a dashed line — a regression shows as a drop (or, for a
 * lower-is-better figure, a rise).
 */
export function renderHistory(root: HTMLElement, ctx: ViewContext): void {
  const rt = RUNTIME_LABEL[ctx.runtime];
  const view = section(
    "history",
    "History",
    `Each figure across the runs on ${rt}, one chart each, oldest to newest, labelled by date and commit. Dashed: the target.`
  );
  root.append(view);
  const suites = SUITES.map((suite) => runsOf(ctx.results, suite, ctx.runtime)).filter((runs) => runs.length > 1);
  if (suites.length === 0) {
    view.append(
      notice("info", `History appears once a suite has more than one result file for ${rt}; each has at most one now.`)
    );
    return;
  }
  const charts = document.createElement("div");
  charts.className = "grid small";
  view.append(charts);
  for (const runs of suites) {
    const perRun = runs.map((r) => new Map(figuresOf(r.result).map((f) => [f.name, f])));
    for (const name of unique(perRun.flatMap((m) => [...m.keys()]))) {
      const f = perRun.map((m) => m.get(name)).find((x): x is Figure => x !== undefined)!;
      const better = f.better === "higher" ? "higher is better" : "lower is better";
      const ratios = perRun.map((m) => m.get(name)?.ratio ?? null);
      const datasets = [
        { label: "ours / reference", data: ratios, borderColor: "#0072B2", backgroundColor: "#0072B2", pointRadius: 3 },
      ];
      if (f.target !== undefined) {
        const color = "#6B7280";
        datasets.push({
          label: `target ${f.better === "higher" ? "≥" : "≤"} ${f.target}`,
          data: runs.map(() => f.target!),
          borderColor: color,
          backgroundColor: color,
          pointRadius: 0,
          ...{ borderDash: [5, 4], borderWidth: 1 },
        });
      }
      addChart(
        charts,
        {
          id: idOf(name),
          title: `${name} (${better})`,
          caption: `${f.label}: the ratio in each of the ${runs.length} ${runs[0]!.result.suite} runs on ${rt}, on ${runs.at(-1)!.result.machine.cpuModel}.`,
        },
        {
          type: "line",
          data: { labels: runs.map(runLabel), datasets },
          options: {
            scales: { x: categoryAxis("run (date · commit)"), y: valueAxis(`ratio (×, ${better})`) },
            plugins: { tooltip: tooltipUnit("×"), legend: { labels: { font: { size: 10 } } } },
          },
        }
      );
    }
  }
}
