import { RUNTIME_LABEL, unique } from "../data.js";
import { el } from "../dom.js";
import type { LoadedFile } from "../load.js";

/** The run's summary ratios (e.g. submit/piscina), one column per runtime. */
export function ratioTable(runs: LoadedFile[]): HTMLElement {
  const names = unique(runs.flatMap((r) => Object.keys(r.result.ratios ?? {})));
  return el(
    "figure",
    { class: "card ratios" },
    el("h3", {}, "Ratios"),
    el(
      "p",
      { class: "caption" },
      "Each measured within one run, so the machine and its load cancel out; above 1× means we are ahead."
    ),
    el(
      "table",
      { class: "metrics" },
      el(
        "thead",
        {},
        el("tr", {}, el("th", {}, "ratio"), ...runs.map((r) => el("th", {}, RUNTIME_LABEL[r.result.runtime.name])))
      ),
      el(
        "tbody",
        {},
        ...names.map((n) =>
          el(
            "tr",
            {},
            el("td", {}, n),
            ...runs.map((r) => {
              const v = r.result.ratios?.[n];
              return el("td", {}, v === undefined ? "—" : `${v.toFixed(2)}×`);
            })
          )
        )
      )
    )
  );
}
