import { RUNTIME_LABEL, unique } from "../data.js";
import { el } from "../dom.js";
import type { LoadedFile } from "../load.js";

/** The run's summary ratios (e.g. submit/piscina), one column per runtime. */
export function ratioTable(runs: LoadedFile[]): HTMLElement {
  const names = unique(runs.flatMap((r) => Object.keys(r.result.ratios ?? {})));
  return el(
    "table",
    { class: "metrics ratios" },
    el("caption", {}, "Ratios measured within each run (higher is better for us)"),
    el("thead", {}, el("tr", {}, el("th", {}, "ratio"), ...runs.map((r) => el("th", {}, RUNTIME_LABEL[r.result.runtime.name])))),
    el(
      "tbody",
      {},
      ...names.map((n) =>
        el("tr", {}, el("td", {}, n), ...runs.map((r) => {
          const v = r.result.ratios?.[n];
          return el("td", {}, v === undefined ? "—" : `${v.toFixed(2)}×`);
        })),
      ),
    ),
  );
}
