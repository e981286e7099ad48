import { RUNTIMES, scoreboard, targetText, type ScoreRow } from "@concurrent/bench-schema";
import { RUNTIME_LABEL, unique } from "../data.js";
import { el } from "../dom.js";
import { fmtDate, fmtNumber, shortSha } from "../format.js";
import type { ViewContext } from "./context.js";

const num = (x: number) => (Number.isFinite(x) ? fmtNumber(x) : "—");

/** One cell: the ratio, green when the target is met, red when missed; ours and the reference under it. */
function cell(row: ScoreRow | undefined): HTMLElement {
  if (!row || !Number.isFinite(row.ratio)) return el("td", { class: "score none", "data-met": "none" }, "not measured");
  const state = row.met === undefined ? "none" : row.met ? "met" : "missed";
  const mark = state === "met" ? "✓ " : state === "missed" ? "✗ " : "";
  const ahead = row.better === "higher" ? row.ratio > 1 : row.ratio < 1;
  const detail = `${Number.isFinite(row.ours) ? `${num(row.ours)} vs ${num(row.reference)} ${row.unit}, ` : ""}${ahead ? "ahead of" : "behind"} the reference`;
  return el(
    "td",
    {
      class: `score ${state}`,
      "data-runtime": row.runtime,
      "data-met": state,
      "data-ratio": String(row.ratio),
      "data-ahead": String(ahead),
      title: `${row.label}\n${row.suite} run of ${row.date ? fmtDate(row.date) : "?"}, commit ${shortSha(row.commit ?? null)}`,
    },
    el("span", { class: "ratio" }, `${mark}${num(row.ratio)}×`),
    el("span", { class: "detail" }, detail)
  );
}

/**
 * The top of the page: every figure with a target or in the CI gate, per runtime — the same
 * rows the benchmark CLI prints at the end of a run (built by @concurrent/bench-schema).
 */
export function renderScoreboard(root: HTMLElement, ctx: ViewContext): void {
  const rows = scoreboard(
    ctx.results.files.map((f) => f.result),
    RUNTIMES
  );
  if (rows.length === 0) return;
  const runtimes = RUNTIMES.filter((rt) => rows.some((r) => r.runtime === rt));
  const names = unique(rows.map((r) => r.name));
  const runsOf = (rt: string) => rows.filter((r) => r.runtime === rt && r.date);
  const stamp = (rt: string) => {
    const rs = runsOf(rt);
    const dates = rs.map((r) => r.date!).sort();
    const commits = unique(rs.map((r) => shortSha(r.commit ?? null)));
    return dates.length
      ? `${fmtDate(dates[0]!)}${dates.at(-1) !== dates[0] ? ` – ${fmtDate(dates.at(-1)!).slice(11)}` : ""}, commit ${commits.join(", ")}`
      : "";
  };
  const met = rows.filter((r) => r.met === true).length;
  const missed = rows.filter((r) => r.met === false).length;
  const view = el(
    "section",
    { id: "scoreboard", class: "view" },
    el("h2", {}, "Scoreboard: do we meet our targets?"),
    el(
      "p",
      { class: "intro" },
      `Each figure is ours / a reference measured in the same run (a peer pool, raw postMessage, a fixed pool size, 100 MB), from the newest full run of each suite. ` +
        `Green: the target is met; red: missed; grey: no target (gated figures only). ↑ higher is better, ↓ lower is better. ${met} met, ${missed} missed.`
    )
  );
  const table = el(
    "table",
    { class: "scoreboard" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", {}, "figure"),
        el("th", {}, "target"),
        el("th", {}, "gated"),
        ...runtimes.map((rt) => el("th", {}, RUNTIME_LABEL[rt], el("span", { class: "detail" }, stamp(rt))))
      )
    ),
    el(
      "tbody",
      {},
      ...names.map((name) => {
        const mine = rows.filter((r) => r.name === name);
        const first = mine.find((r) => Number.isFinite(r.ratio)) ?? mine[0]!;
        const arrow = first.better === "higher" ? "↑" : "↓";
        return el(
          "tr",
          { "data-figure": name, "data-better": first.better },
          el(
            "th",
            { scope: "row" },
            el("span", { class: "name" }, `${arrow} ${name}`),
            first.label !== name ? el("span", { class: "detail" }, first.label) : null
          ),
          el("td", {}, targetText(first) || "—"),
          el("td", {}, first.gated ? "yes" : ""),
          ...runtimes.map((rt) => cell(mine.find((r) => r.runtime === rt)))
        );
      })
    )
  );
  view.append(el("div", { class: "card table-card" }, table));
  root.append(view);
}
