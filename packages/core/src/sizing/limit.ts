// The contract between an executor and an adaptive in-flight limit, and the factory.
// The algorithms are pure: no timers, no clock, no globals. The executor reports each
// finished call with the time it finished; the limit moves only inside onSample.

import { AimdLimit } from "./aimd.js";
import { GradientLimit } from "./gradient.js";
import { resolveAutoLimitOptions } from "./options.js";
import { VegasLimit } from "./vegas.js";

/** An adaptive in-flight limit: feed it every finished call, read `limit`. */
export interface ConcurrencyLimit {
  /** Current in-flight limit (an integer ≥ min). */
  readonly limit: number;
  /**
   * Record one finished call. now: clock in ms; rtt: the call's latency in ms; inFlight:
   * calls in flight when it started; dropped: it failed or timed out (congestion).
   */
  onSample(now: number, rtt: number, inFlight: number, dropped: boolean): void;
  /**
   * Report silence: calls are in flight and none has finished for `age` ms. A stalled
   * downstream sends no samples, so the executor's watchdog calls this (a few times a
   * second, only while calls are in flight) and the limit can back off before they return.
   */
  onStall(now: number, age: number): void;
}

/** The algorithms {@link createLimit} knows. */
export type LimitAlgorithm = "gradient" | "vegas" | "aimd";

/** Options of `maxWorkers: "auto"` (`AsyncPoolExecutor`'s `autoLimit`). */
export interface AutoLimitOptions {
  /**
   * The limit to start at. Small, so that an unknown downstream is approached from below.
   * @default 4
   */
  initial?: number;
  /**
   * The floor: the limit never goes below it.
   * @default 1
   */
  min?: number;
  /**
   * The ceiling: a failsafe the limit never exceeds, however healthy the downstream looks.
   * @default 1000
   */
  max?: number;
  /**
   * `"gradient"` (latency against its floor, like Netflix Gradient2 and Envoy's gradient
   * controller), `"vegas"` (estimated queue length, like TCP Vegas) or `"aimd"` (errors
   * and timeouts only; ignores latency).
   * @default "gradient"
   */
  algorithm?: LimitAlgorithm;
  /**
   * gradient only: how far above its floor the window's mean latency may be before the
   * limit shrinks (1.5 = 50 % above). Lower keeps latency tighter; higher tolerates noise.
   * @default 1.15
   */
  tolerance?: number;
  /**
   * gradient only: the share (0 < s ≤ 1) of each latency-driven decrease applied per window;
   * damps the response to a noisy window. Errors are not smoothed.
   * @default 0.2
   */
  smoothing?: number;
  /**
   * The factor the limit is multiplied by after a window in which every call failed or
   * timed out; a window with a share p of failures multiplies by 1 − (1 − backoffRatio)·p,
   * so a rare error costs little and a wall of timeouts halves the limit.
   * @default 0.5
   */
  backoffRatio?: number;
  /**
   * The fewest samples a window decides on (unless `maxWindow` has passed).
   * @default 8
   */
  windowSize?: number;
  /**
   * Shortest window in ms. A window lasts twice the latency floor, within these bounds.
   * @default 0
   */
  minWindow?: number;
  /**
   * Longest window in ms: after this long, a window decides on whatever it has.
   * @default 1000
   */
  maxWindow?: number;
  /**
   * gradient and vegas: every this many ms, the limit is halved for one window to measure
   * the downstream's no-load latency afresh (the first time after 16 windows, in case the
   * run started above capacity). Infinity turns it off.
   * @default 30000
   */
  probeInterval?: number;
}

/** A new adaptive limit. Throws like {@link validateAutoLimitOptions} on bad options. */
export function createLimit(options?: AutoLimitOptions): ConcurrencyLimit {
  return limitFactory(options)();
}

/**
 * Checks and resolves `options` once, and returns a function that makes a new limit with
 * them: for executors that make many (one per key, with `perKey: "auto"`).
 */
export function limitFactory(options?: AutoLimitOptions): () => ConcurrencyLimit {
  const o = resolveAutoLimitOptions(options);
  switch (o.algorithm) {
    case "gradient":
      return () => new GradientLimit(o);
    case "vegas":
      return () => new VegasLimit(o);
    case "aimd":
      return () => new AimdLimit(o);
  }
}
