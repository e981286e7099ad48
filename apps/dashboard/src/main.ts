import "./style.css";
import { RUNTIMES, type RuntimeName } from "@concurrent/bench-schema";
import { chartSummaries, destroyCharts, type ChartSummary } from "./charts.js";
import { RUNTIME_LABEL } from "./data.js";
import { code, el, notice } from "./dom.js";
import { fmtDate } from "./format.js";
import { loadResults, type Results, type SkippedFile } from "./load.js";
import type { ViewContext } from "./views/context.js";
import { VIEWS } from "./views/index.js";

/** Read by the browser test, and handy in the console. */
interface DashboardHook {
  ready: boolean;
  charts: () => ChartSummary[];
  state?: Omit<ViewContext, "results">;
}
declare global {
  interface Window {
    dashboard: DashboardHook;
  }
}
window.dashboard = { ready: false, charts: chartSummaries };


function skippedNotice(skipped: SkippedFile[]): HTMLElement {
  const n = skipped.length;
  return notice(
    "error",
    el(
      "strong",
      {},
      `${n} result file${n === 1 ? " was" : "s were"} skipped because ${n === 1 ? "it is" : "they are"} not valid:`
    ),
    el(
      "ul",
      { class: "skipped" },
      ...skipped.map((s) =>
        el(
          "li",
          {},
          code(s.file),
          el(
            "ul",
            {},
            ...s.errors.slice(0, 8).map((e) => el("li", {}, e)),
            s.errors.length > 8 ? el("li", {}, `… and ${s.errors.length - 8} more`) : null
          )
        )
      )
    )
  );
}

const emptyNotice = (results: Results) =>
  notice(
    "info",
    el("strong", {}, "No benchmark results yet. "),
    `No valid result files were found in ${results.sourceDir}. Run the benchmarks with `,
    code("npm run bench"),
    " (or the quick pass, ",
    code("npm run bench:ci"),
    "), then ",
    code("npm run dashboard"),
    " to rebuild and serve this page."
  );

function select(
  id: string,
  label: string,
  options: { value: string; text: string; disabled?: boolean }[],
  value: string,
  onChange: (v: string) => void
) {
  const input = el("select", { id });
  for (const o of options) {
    const option = el("option", { value: o.value }, o.text);
    option.disabled = o.disabled ?? false;
    input.append(option);
  }
  input.value = value;
  input.addEventListener("change", () => onChange(input.value));
  return el("label", { for: id }, `${label} `, input);
}

function start(app: HTMLElement, results: Results): void {
  const messages = el("div", { id: "messages" });
  if (results.skipped.length) messages.append(skippedNotice(results.skipped));
  const count = results.files.length;
  const summary = el(
    "p",
    { class: "summary" },
    `${count} result file${count === 1 ? "" : "s"} from ${results.sourceDir}, gathered ${fmtDate(results.generatedAt)}.`
  );
  if (count === 0) {
    messages.append(emptyNotice(results));
    app.append(summary, messages);
    return;
  }

  const available = RUNTIMES.filter((rt) => results.files.some((f) => f.result.runtime.name === rt));
  const state: Omit<ViewContext, "results"> = {
    runtime: available.includes("node") ? "node" : available[0] ?? "node",
    compareRuntimes: false,
    metric: "throughput",
  };
  const views = el("main", { id: "views" });
  const render = () => {
    destroyCharts();
    views.replaceChildren();
    for (const view of VIEWS) view.render(views, { results, ...state });
    window.dashboard.state = { ...state };
  };

  const compare = el("input", { type: "checkbox", id: "compare-runtimes" });
  compare.addEventListener("change", () => {
    state.compareRuntimes = compare.checked;
    render();
  });
  const controls = el(
    "div",
    { class: "controls" },
    select(
      "runtime",
      "Runtime",
      RUNTIMES.map((rt) => ({
        value: rt,
        text: available.includes(rt) ? RUNTIME_LABEL[rt] : `${RUNTIME_LABEL[rt]} (no results)`,
        disabled: !available.includes(rt),
      })),
      state.runtime,
      (v) => {
        state.runtime = v as RuntimeName;
        render();
      }
    ),
    select(
      "metric",
      "IO vs CPU shows",
      [
        { value: "throughput", text: "throughput (tasks/s)" },
        { value: "speedup", text: "speedup over sequential" },
      ],
      state.metric,
      (v) => {
        state.metric = v === "speedup" ? "speedup" : "throughput";
        render();
      }
    ),
    el("label", { for: "compare-runtimes" }, compare, " compare runtimes in IO vs CPU")
  );
  const nav = el("nav", {}, ...VIEWS.map((v) => el("a", { href: `#${v.id}` }, v.title)));
  app.append(el("div", { class: "toolbar" }, controls, nav), summary, messages, views);
  render();
}

async function main(): Promise<void> {
  const app = document.getElementById("app");
  if (!app) throw new Error("index.html has no #app");
  try {
    start(app, await loadResults());
  } catch (error) {
    app.append(notice("error", error instanceof Error ? error.message : String(error)));
  }
  window.dashboard.ready = true;
  document.body.dataset["ready"] = "true";
}

void main();
