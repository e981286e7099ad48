import type { Suite } from "./suite.js";
import { ioVsCpu } from "./io-vs-cpu.js";

/** Every suite, in the order `bench` runs them. */
export const SUITE_LIST: Suite[] = [ioVsCpu];
