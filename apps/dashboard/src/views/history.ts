import { SUITES, type BenchCase } from "@concurrent/bench-schema";
import { addChart, categoryAxis, colorFor, tooltipUnit, valueAxis } from "../charts.js";
import { isOk, runsOf, RUNTIME_LABEL, unique } from "../data.js";
import { notice } from "../dom.js";
import { fmtDate, shortSha } from "../format.js";
import type { LoadedFile } from "../load.js";
import { grid, section, type ViewContext } from "./context.js";

/** Above this many cases a suite's history shows the best case of each (task kind, executor). */
const MAX_LINES = 10;

/** The line a case belongs to, and whether lines are "best of" several cases. */
function keyFor(c: BenchCase, collapse: boolean): string {
  if (!collapse) return c.name;
  const l = c.labels;
  return [c.group ?? l.taskKind, l.executor ?? l.peer].filter((x) => x !== undefined).join(" · ") || c.name;
}

/** key → throughput of each run (the best case with that key), null where it did not run. */
function lines(runs: LoadedFile[]): Map<string, (number | null)[]> {
  const collapse = runs.some((r) => r.result.cases.length > MAX_LINES);
  const keys = unique(runs.flatMap((r) => r.result.cases.map((c) => keyFor(c, collapse))));
  const out = new Map<string, (number | null)[]>();
  for (const key of keys) {
    out.set(
      key,
      runs.map((r) => {
        const values = r.result.cases
          .filter((c) => keyFor(c, collapse) === key && isOk(c))
          .map((c) => c.stats!.throughput);
        return values.length ? Math.max(...values) : null;
      })
    );
  }
  return out;
}

const runLabel = (r: LoadedFile) =>
  `${fmtDate(r.result.date).slice(0, 10)} · ${shortSha(r.result.commit)}${r.result.mode === "ci" ? " (ci)" : ""}`;

/** (d) Each suite's figures across runs, so a regression shows as a drop. */
export function renderHistory(root: HTMLElement, ctx: ViewContext): void {
  const rt = RUNTIME_LABEL[ctx.runtime];
  const view = section(
    "history",
    "History",
    `Each suite's figures across runs on ${rt}, oldest to newest, labelled by date and commit: a regression shows as a drop.`
  );
  root.append(view);
  const suites = SUITES.map((suite) => ({ suite, runs: runsOf(ctx.results, suite, ctx.runtime) })).filter(
    (s) => s.runs.length > 1
  );
  if (suites.length === 0) {
    view.append(
      notice("info", `History appears once a suite has more than one result file for ${rt}; each has at most one now.`)
    );
    return;
  }
  const charts = grid();
  view.append(charts);
  for (const { suite, runs } of suites) {
    const collapse = runs.some((r) => r.result.cases.length > MAX_LINES);
    const m = runs.at(-1)!.result.machine;
    const datasets = [...lines(runs)].map(([key, data], i) => {
      const color = colorFor(`history-${i}`, i);
      return { label: key, data, borderColor: color, backgroundColor: color, pointRadius: 3, spanGaps: false };
    });
    addChart(
      charts,
      {
        id: `history-${suite}`,
        title: `${suite}: throughput across runs`,
        caption: `Tasks per second of ${
          collapse ? "the best setting of each task kind and executor" : "each case"
        } in the ${runs.length} ${suite} runs on ${rt}, on ${m.cpuModel} (${m.cpus} CPUs) for the newest run.`,
      },
      {
        type: "line",
        data: { labels: runs.map(runLabel), datasets },
        options: {
          scales: {
            x: categoryAxis("run (date · commit)"),
            y: valueAxis("throughput (tasks/s, log scale)", { log: true }),
          },
          plugins: { tooltip: tooltipUnit("tasks/s") },
        },
      }
    );
    const ratioNames = unique(runs.flatMap((r) => Object.keys(r.result.ratios ?? {})));
    if (ratioNames.length) {
      addChart(
        charts,
        {
          id: `history-${suite}-ratios`,
          title: `${suite}: ratios across runs`,
          caption: `The ${suite} suite's summary ratios, each measured within one run so machine and load cancel out, across ${runs.length} runs on ${rt}, on ${m.cpuModel} (${m.cpus} CPUs) for the newest run.`,
        },
        {
          type: "line",
          data: {
            labels: runs.map(runLabel),
            datasets: ratioNames.map((name, i) => {
              const color = colorFor(`ratio-${i}`, i);
              return {
                label: name,
                data: runs.map((r) => r.result.ratios?.[name] ?? null),
                borderColor: color,
                backgroundColor: color,
                pointRadius: 3,
              };
            }),
          },
          options: {
            scales: { x: categoryAxis("run (date · commit)"), y: valueAxis("ratio (×)") },
            plugins: { tooltip: tooltipUnit("×") },
          },
        }
      );
    }
  }
}
