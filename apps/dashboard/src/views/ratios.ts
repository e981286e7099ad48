import { figuresOf, met, targetText, type Figure } from "@concurrent/bench-schema";
import { RUNTIME_LABEL, unique } from "../data.js";
import { el } from "../dom.js";
import type { LoadedFile } from "../load.js";

/**
 * The run's figures (ours / a reference, e.g. tiny-submit/piscina), one column per runtime,
 * each with its direction: ↑ higher is better, ↓ lower is better (RSS against 100 MB, a round
 * trip against raw). A cell is green when its target is met, red when it is missed, plain when
 * the figure has no target — a lower-is-better ratio above its target is never shown as a win.
 */
export function ratioTable(runs: LoadedFile[]): HTMLElement {
  const figures = runs.map((r) => new Map(figuresOf(r.result).map((f) => [f.name, f])));
  const names = unique(figures.flatMap((m) => [...m.keys()]));
  const first = (name: string): Figure => figures.map((m) => m.get(name)).find((f) => f !== undefined)!;
  return el(
    "figure",
    { class: "card ratios" },
    el("h3", {}, "Figures"),
    el(
      "p",
      { class: "caption" },
      "Each is ours / a reference measured within one run, so the machine and its load cancel out. ↑: higher is better; ↓: lower is better. Green: target met; red: missed."
    ),
    el(
      "table",
      { class: "metrics" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", {}, "figure"),
          el("th", {}, "target"),
          ...runs.map((r) => el("th", {}, RUNTIME_LABEL[r.result.runtime.name]))
        )
      ),
      el(
        "tbody",
        {},
        ...names.map((n) => {
          const f = first(n);
          return el(
            "tr",
            { "data-figure": n, "data-better": f.better },
            el("td", {}, `${f.better === "higher" ? "↑" : "↓"} ${n}`),
            el("td", {}, targetText(f) || "—"),
            ...figures.map((m) => {
              const g = m.get(n);
              if (!g) return el("td", {}, "—");
              const ok = met(g);
              const state = ok === undefined ? "none" : ok ? "met" : "missed";
              const ahead = g.better === "higher" ? g.ratio > 1 : g.ratio < 1;
              return el(
                "td",
                { class: state, "data-met": state, "data-ahead": String(ahead), title: ahead ? "ahead of the reference" : "behind the reference" },
                `${g.ratio.toFixed(2)}×`
              );
            })
          );
        })
      )
    )
  );
}
