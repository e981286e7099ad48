// Gradient: Netflix concurrency-limits' Gradient2Limit with Envoy's minRTT floor.
//   ratio = windowRtt / floorRtt
//   ratio ≤ tolerance (no queueing): grow, if the caller uses the limit (see growth below)
//   ratio > tolerance (queueing): move toward limit · max(0.5, tolerance / ratio), damped
//     by `smoothing` when latency is just past the tolerance, undamped when it is far past
// The limit settles where latency sits a little above the floor: just past the knee of the
// downstream's latency curve, which is its capacity C (Little's law: in-flight =
// throughput × latency, so beyond C only latency grows).
// https://github.com/Netflix/concurrency-limits (Gradient2Limit.java),
// https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/adaptive_concurrency_filter

import { WindowedLimit } from "./base.js";
import type { ResolvedAutoLimitOptions } from "./options.js";

/** The longest a confirmed ceiling is held, in clean windows, before it is tried again. */
const maxHold = 32;

/** A decrease this many windows or fewer after the limit stepped up blames the step. */
const stepBlame = 2;

/**
 * Latency this far past the floor is queueing, never a stale floor: a steeply degrading
 * downstream one call past C = 4 is 2.7× slower; a loaded machine adds tens of percent.
 */
const staleRatio = 2;

export class GradientLimit extends WindowedLimit {
  private readonly tolerance: number;
  private readonly smoothing: number;
  /**
   * The integer limit that was congested as soon as the limit stepped onto it (∞: none).
   * On a downstream that degrades steeply past a small C, one call past it is expensive
   * (C = 4: the 5th call makes every call 2.7× slower), so the limit must not keep
   * stepping onto it: it waits `hold` clean windows below it before trying it again.
   */
  private ceiling = Number.POSITIVE_INFINITY;
  /** Clean windows to wait below the ceiling; doubles each time the ceiling is congested again. */
  private hold = 0;
  /** Clean windows waited below the ceiling so far. */
  private held = 0;
  /** Windows since the integer limit last went up (∞: that step has been answered). */
  private sinceStep = Number.POSITIVE_INFINITY;
  /** The estimate before the integer limit last went up: the last level latency called clean. */
  private stepFrom = 0;
  /** The ceiling last set (kept when a clean window lifts it), so that its hold keeps doubling. */
  private lastCeiling = Number.POSITIVE_INFINITY;
  /** Whether the previous window was congested. */
  private congested = false;
  /** The limit and latency ratio at the first window of the current run of congested windows (NaN: none). */
  private streakLimit = Number.NaN;
  private streakRatio = Number.NaN;

  constructor(o: ResolvedAutoLimitOptions) {
    super(o);
    this.tolerance = o.tolerance;
    this.smoothing = o.smoothing;
  }

  protected next(meanRtt: number, maxInFlight: number): number {
    const limit = this.estimate;
    this.sinceStep++;
    const next = this.move(limit, meanRtt / this.floorRtt, maxInFlight);
    if (Math.floor(next) > Math.floor(limit)) {
      this.sinceStep = 0;
      this.stepFrom = limit;
    }
    return next;
  }

  private move(limit: number, ratio: number, maxInFlight: number): number {
    const confirmed = this.congested;
    this.congested = ratio > this.tolerance;
    if (ratio <= this.tolerance) {
      this.streakLimit = Number.NaN;
      if (this.appLimited(maxInFlight)) return limit;
      // The ceiling was used and latency stayed low: the downstream takes it now.
      if (maxInFlight >= this.ceiling) this.ceiling = Number.POSITIVE_INFINITY;
      // Scaled down as latency nears the tolerance, so the limit slows before the knee.
      const room = this.tolerance > 1 ? Math.min(1, (this.tolerance - ratio) / (this.tolerance - 1)) : 1;
      const grown = limit + this.growth(limit) * room;
      if (limit >= this.ceiling || grown < this.ceiling || this.held++ >= this.hold) return grown;
      return Math.max(limit, this.ceiling - 0.5);
    }
    // Gradient2 clamps at 0.5 so that one outlier window cannot more than halve the target.
    const gradient = Math.max(0.5, this.tolerance / ratio);
    // Smoothing damps noise just past the tolerance; latency far past it (the downstream
    // is queueing hard) is less likely noise, so up to half the decrease applies (a quarter
    // of the limit per window). Not more: one window of a scheduling hiccup on a busy
    // machine looks the same, and a stall is the watchdog's (onStall).
    const weight = Math.min(0.5, (this.smoothing * ratio) / this.tolerance);
    const next = limit - weight * limit * (1 - gradient);
    const at = Math.floor(limit);
    if (Math.floor(next) < at && this.sinceStep <= stepBlame && maxInFlight >= at) {
      // Congested right after stepping onto `at` (and using it): the step failed. Back to
      // the level it came from (latency called that one clean), not below it, and hold
      // below `at`; congested there again, hold twice as long (also if a clean window
      // lifted the ceiling in between). A decrease at a limit held for a while is noise or
      // a change downstream, not this step, and sets no ceiling.
      this.hold = at === this.lastCeiling ? Math.min(maxHold, 2 * this.hold) : 1;
      this.ceiling = this.lastCeiling = at;
      this.held = 0;
      this.sinceStep = Number.POSITIVE_INFINITY;
      this.congested = false;
      return Math.min(limit, this.stepFrom);
    }
    // A lone congested window is a hiccup (a busy client, one slow call) as often as not:
    // the limit moves only once the next window says so too.
    if (!confirmed) return limit;
    if (this.stale(limit, ratio)) return limit;
    return next;
  }

  /**
   * Whether the floor is stale: latency says "congested", but a third fewer calls in flight
   * did not bring it down, and it is only a little past the tolerance. A congested downstream
   * answers faster with fewer calls (Little's law); latency that does not move with the
   * load is the downstream's (or this machine's) new normal — a loaded client, another
   * downstream's stalled calls on the same connection pool. Then the floor is measured anew
   * (this window's mean), instead of the limit sinking for seconds to its minimum.
   */
  private stale(limit: number, ratio: number): boolean {
    if (this.streakLimit !== this.streakLimit) {
      this.streakLimit = limit;
      this.streakRatio = ratio;
      return false;
    }
    if (limit > (2 / 3) * this.streakLimit || ratio >= staleRatio || ratio < 0.9 * this.streakRatio) return false;
    this.floorRtt *= ratio;
    this.streakLimit = Number.NaN;
    return true;
  }

  /**
   * How much a clean window may add. Away from the knee (the last limit latency called
   * congested), √limit, Envoy's headroom: from 4 to 32 in 8 windows. Just below the knee,
   * half a call per window, so the limit creeps up to where the downstream started queueing
   * instead of jumping past it. Past the knee without congestion, the capacity rose: the
   * step grows again with the distance (TCP CUBIC's probing).
   */
  private growth(limit: number): number {
    const root = Math.sqrt(limit);
    const knee = this.knee;
    if (limit < knee) return Math.min(root, Math.max(0.5, (knee - limit) / 2));
    return Math.min(root, 0.5 + (limit - knee) / 2);
  }
}
