import type { Suite } from "./suite.js";
import { ioVsCpu } from "./io-vs-cpu.js";
import { orderedVsUnordered } from "./ordered-vs-unordered.js";
import { peers } from "./peers.js";
import { autoSizing } from "./auto-sizing.js";
import { load } from "./load.js";
import { scaleout } from "./scaleout.js";
import { perKey } from "./per-key.js";
import { cancellation } from "./cancellation.js";
import { streaming } from "./streaming.js";

/** Every suite, in the order `bench` runs them. */
export const SUITE_LIST: Suite[] = [ioVsCpu, orderedVsUnordered, peers, autoSizing, perKey, load, scaleout, cancellation, streaming];
