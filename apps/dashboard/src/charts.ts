import Chart from "chart.js/auto";
import type { ChartConfiguration, ChartType, TooltipItem } from "chart.js";
import { el } from "./dom.js";
import { fmtNumber } from "./format.js";

Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.font.size = 12;
Chart.defaults.color = "#1f2937";
Chart.defaults.borderColor = "#e5e7eb";
// Static charts: the page is for reading numbers, and screenshots must not catch a half-drawn frame.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.plugins.legend.labels.boxWidth = 26;
Chart.defaults.plugins.legend.labels.boxHeight = 8;

// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"];
const NAMED: Record<string, string> = {
  node: "#3C873A",
  bun: "#C2185B",
  deno: "#1F3A93",
  sequential: "#6B7280",
  AsyncPoolExecutor: "#0072B2",
  WorkerPoolExecutor: "#D55E00",
  QueueExecutor: "#009E73",
  map: "#0072B2",
  asCompleted: "#E69F00",
};

/** A stable colour for a runtime / executor / ordering name, else the palette's `index`-th. */
export function colorFor(key: string, index: number): string {
  return NAMED[key] ?? PALETTE[index % PALETTE.length] ?? "#000000";
}

/** A linear (or log) value axis with a title and compact tick labels. */
export function valueAxis(title: string, opts: { log?: boolean; min?: number } = {}) {
  return {
    type: opts.log ? ("logarithmic" as const) : ("linear" as const),
    title: { display: true, text: title },
    ...(opts.min !== undefined ? { min: opts.min } : opts.log ? {} : { beginAtZero: true }),
    ticks: { callback: (v: number | string) => (typeof v === "number" ? fmtNumber(v) : v) },
  };
}

/**
 * A value axis for `values`: logarithmic when they span more than 20× (one bar 29 M/s next to
 * others at 20 k/s would leave the small ones as slivers on a linear axis), else linear from 0.
 * The title says which.
 */
export function autoAxis(title: string, values: (number | null | undefined)[]) {
  const v = values.filter((x): x is number => typeof x === "number" && x > 0);
  const log = v.length > 1 && Math.max(...v) / Math.min(...v) > 20;
  return valueAxis(log ? `${title}, log scale` : title, { log });
}

export const categoryAxis = (title: string) => ({ type: "category" as const, title: { display: true, text: title } });

/** Tooltip lines as `label: 1.23k tasks/s`. */
export function tooltipUnit(unit: string) {
  return {
    callbacks: {
      label: (item: TooltipItem<ChartType>) => {
        const y = (item.parsed as { y?: number | null }).y;
        return `${item.dataset.label ?? ""}: ${typeof y === "number" ? fmtNumber(y) : "—"} ${unit}`;
      },
    },
  };
}

const charts = new Map<string, Chart>();

export interface ChartCard {
  id: string;
  title: string;
  /** One sentence: what is measured, and on what machine. */
  caption: string;
  /** Extra content under the chart (failure list, metric table). */
  footer?: Node;
}

/** A figure with heading, caption and a chart, appended to `parent`. */
export function addChart<T extends ChartType>(
  parent: HTMLElement,
  card: ChartCard,
  config: ChartConfiguration<T>
): Chart<T> {
  const canvas = el("canvas", { id: `chart-${card.id}`, role: "img", "aria-label": `${card.title}. ${card.caption}` });
  const figure = el(
    "figure",
    { class: "card", "data-chart": card.id },
    el("h3", {}, card.title),
    el("p", { class: "caption" }, card.caption),
    el("div", { class: "canvas-wrap" }, canvas),
    card.footer
  );
  parent.append(figure);
  const chart = new Chart(canvas, config);
  charts.set(card.id, chart as unknown as Chart);
  // What the chart plots, readable from the DOM (the browser test checks it): its datasets
  // as label → number of points with a value.
  const points = chart.data.datasets.map((d) => [d.label ?? "", (d.data as unknown[]).filter((v) => v !== null && v !== undefined).length]);
  figure.dataset["datasets"] = JSON.stringify(Object.fromEntries(points));
  figure.dataset["points"] = String(points.reduce((n, [, k]) => n + (k as number), 0));
  return chart;
}

export function destroyCharts(): void {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
}

/** What a test (or a curious reader in the console) can check about each chart. */
export interface ChartSummary {
  id: string;
  type: string;
  canvasId: string;
  legend: string[];
  axisTitles: Record<string, string>;
  datasets: { label: string; data: unknown[] }[];
}

export function chartSummaries(): ChartSummary[] {
  return [...charts.entries()].map(([id, chart]) => {
    const axisTitles: Record<string, string> = {};
    for (const [key, scale] of Object.entries(chart.options.scales ?? {})) {
      const title = (scale as { title?: { display?: boolean; text?: string | string[] } } | undefined)?.title;
      if (title?.display && title.text) axisTitles[key] = String(title.text);
    }
    return {
      id,
      type: String((chart.config as { type?: string }).type),
      canvasId: chart.canvas.id,
      legend: (chart.legend?.legendItems ?? []).map((item) => item.text),
      axisTitles,
      datasets: chart.data.datasets.map((d) => ({ label: d.label ?? "", data: [...d.data] })),
    };
  });
}
