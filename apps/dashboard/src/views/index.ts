import type { SuiteName } from "@concurrent/bench-schema";
import { renderAutoSizing } from "./auto-sizing.js";
import { renderCancellation } from "./cancellation.js";
import type { ViewContext } from "./context.js";
import { renderHistory } from "./history.js";
import { renderIoVsCpu } from "./io-vs-cpu.js";
import { renderOrdered } from "./ordered.js";
import { renderLoad } from "./load.js";
import { renderPeers } from "./peers.js";
import { renderPerKey } from "./per-key.js";
import { renderScaleout } from "./scaleout.js";
import { renderScoreboard } from "./scoreboard.js";
import { renderStreaming } from "./streaming.js";

/**
 * A view: one section of the page. `render` appends it to `root` (or nothing when there is
 * nothing to show); `id` is its anchor, `title` its entry in the navigation. A new suite's
 * view is one file exporting a `View`, added to {@link VIEWS}.
 */
export interface View {
  id: string;
  title: string;
  /** The suites it reads (empty: it reads every suite, as History does). */
  suites: SuiteName[];
  render(root: HTMLElement, ctx: ViewContext): void;
}

/** The views, in page order. */
export const VIEWS: View[] = [
  { id: "scoreboard", title: "Scoreboard", suites: [], render: renderScoreboard },
  { id: "io-vs-cpu", title: "IO vs CPU", suites: ["io-vs-cpu"], render: renderIoVsCpu },
  { id: "ordered-vs-unordered", title: "Ordered vs unordered", suites: ["ordered-vs-unordered"], render: renderOrdered },
  { id: "peers", title: "Peers", suites: ["peers"], render: renderPeers },
  { id: "auto-sizing", title: "Auto-sizing", suites: ["auto-sizing"], render: renderAutoSizing },
  { id: "per-key", title: "Per-key", suites: ["per-key"], render: renderPerKey },
  { id: "streaming", title: "Streaming", suites: ["streaming"], render: renderStreaming },
  { id: "cancellation", title: "Cancellation", suites: ["cancellation"], render: renderCancellation },
  { id: "scaleout", title: "Scale-out", suites: ["scaleout"], render: renderScaleout },
  { id: "load", title: "Load", suites: ["load"], render: renderLoad },
  { id: "history", title: "History", suites: [], render: renderHistory },
];
