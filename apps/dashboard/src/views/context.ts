import type { BenchCase, RuntimeName, SuiteName } from "@concurrent/bench-schema";
import { RUNTIME_LABEL } from "../data.js";
import { code, el, notice } from "../dom.js";
import type { Results } from "../load.js";

/** What every view renders from: the data and the page's controls. */
export interface ViewContext {
  results: Results;
  /** The runtime picked in the header. */
  runtime: RuntimeName;
  /** IO vs CPU: draw every runtime in the same charts. */
  compareRuntimes: boolean;
  /** IO vs CPU: tasks per second, or speedup over the sequential baseline. */
  metric: "throughput" | "speedup";
}

export function noRunsNotice(suite: SuiteName, runtime: RuntimeName): HTMLElement {
  return notice(
    "info",
    `No ${suite} results for ${RUNTIME_LABEL[runtime]} yet. Make them with `,
    code("npm run bench"),
    ", then rebuild the page with ",
    code("npm run dashboard"),
    "."
  );
}

/**
 * Cases that did not finish, listed under their chart: a peer that hangs or fails is shown,
 * not silently missing from the plot.
 */
export function failureList(cases: BenchCase[], prefix = ""): HTMLElement | undefined {
  const failed = cases.filter((c) => (c.status ?? "ok") !== "ok" || c.stats === undefined);
  if (failed.length === 0) return undefined;
  return el(
    "ul",
    { class: "failures" },
    ...failed.map((c) =>
      el(
        "li",
        {},
        el("strong", {}, `${prefix}${c.name}: ${c.status ?? "no statistics"}`),
        c.error ? ` — ${c.error}` : ""
      )
    )
  );
}

/** Sorts task kinds IO first, then CPU, then the rest, each alphabetically. */
export function byKind(a: string, b: string): number {
  const rank = (k: string) => (k.startsWith("io") ? 0 : k.startsWith("cpu") ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export const section = (id: string, title: string, intro: string): HTMLElement =>
  el("section", { id, class: "view" }, el("h2", {}, title), el("p", { class: "intro" }, intro));

export const grid = (): HTMLElement => el("div", { class: "grid" });
