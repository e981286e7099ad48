// What the three algorithms share: windowing, the latency floor, the bounds, and the
// response to errors and timeouts. Each algorithm only says where a clean window (one
// with no drops) moves the limit.

import type { ConcurrencyLimit } from "./limit.js";
import type { ResolvedAutoLimitOptions } from "./options.js";
import { SampleWindow } from "./window.js";

/**
 * After this many windows in a row at `min`, the latency floor is measured afresh.
 * Envoy's gradient controller does the same ("the limit is at its minimum for 5
 * consecutive sampling windows"): at the floor the downstream is as unloaded as we can
 * make it, so what we see there *is* its no-load latency. Without this, a downstream
 * whose base latency rose for good would look congested for ever and pin the limit at min.
 */
const windowsAtMinBeforeReset = 5;

/** The first floor probe comes after this many windows: early, in case we started above C. */
const windowsBeforeFirstProbe = 16;

export abstract class WindowedLimit implements ConcurrencyLimit {
  limit: number;
  /** The limit as a real number; `limit` is its integer part. */
  protected estimate: number;
  /**
   * The no-load latency: the lowest mean latency of any window so far (Vegas' rtt_noload,
   * Envoy's minRTT). A minimum, not an average, so that sustained queueing cannot raise it.
   */
  protected floorRtt = Number.POSITIVE_INFINITY;
  protected readonly min: number;
  protected readonly max: number;
  private readonly window = new SampleWindow();
  private readonly backoffRatio: number;
  private readonly windowSize: number;
  private readonly minWindow: number;
  private readonly maxWindow: number;
  private windowsAtMin = 0;
  private windows = 0;
  private readonly probeInterval: number;
  private nextProbe = Number.POSITIVE_INFINITY;
  /** The estimate to return to after a floor probe, or NaN when not probing. */
  private probeSaved = Number.NaN;

  constructor(o: ResolvedAutoLimitOptions) {
    this.min = o.min;
    this.max = o.max;
    this.estimate = o.initial;
    this.limit = o.initial;
    this.backoffRatio = o.backoffRatio;
    this.windowSize = o.windowSize;
    this.minWindow = o.minWindow;
    this.maxWindow = o.maxWindow;
    this.probeInterval = o.probeInterval;
  }

  onSample(now: number, rtt: number, inFlight: number, dropped: boolean): void {
    const probing = this.probeSaved === this.probeSaved;
    // A call that started before the probe lowered the limit measures the old load.
    if (probing && inFlight > this.limit) return;
    const w = this.window;
    w.add(now, rtt, inFlight, dropped);
    if (!w.ready(now, this.floorRtt, this.windowSize, this.minWindow, this.maxWindow)) return;

    const mean = w.meanRtt;
    let next: number;
    if (probing) {
      // A fresh floor, measured at half the load: it replaces the old one, so the floor can
      // rise with the downstream's base latency and no lucky window keeps it low for ever.
      if (w.count > w.drops) this.floorRtt = mean;
      next = this.probeSaved;
      this.probeSaved = Number.NaN;
      this.nextProbe = now + this.probeInterval;
    } else if (mean < this.floorRtt) {
      this.floorRtt = mean;
    }
    if (w.drops > 0) {
      // Errors and timeouts are congestion: multiplicative decrease, in proportion to how
      // much of the window failed (a lone error among hundreds costs almost nothing).
      next = this.estimate * (1 - (1 - this.backoffRatio) * w.dropRate);
    } else if (!probing) {
      next = this.next(mean, w.maxInFlight);
    } else {
      next = this.estimate;
    }
    this.estimate = Math.min(this.max, Math.max(this.min, next));
    this.limit = Math.floor(this.estimate);
    w.reset();

    if (this.limit <= this.min && ++this.windowsAtMin >= windowsAtMinBeforeReset) {
      this.floorRtt = Number.POSITIVE_INFINITY;
      this.windowsAtMin = 0;
    } else if (this.limit > this.min) {
      this.windowsAtMin = 0;
    }
    if (++this.windows === windowsBeforeFirstProbe) this.nextProbe = now;
    if (!probing && now >= this.nextProbe && this.usesFloor && this.limit > this.min) {
      // Envoy measures minRTT by pinning concurrency low for a window; BBR drains to 4
      // packets. Halving is enough here: the limit sits near C, so half is below it.
      this.probeSaved = this.estimate;
      this.limit = Math.max(this.min, Math.floor(this.estimate / 2));
    }
  }

  /** Whether the algorithm reads the latency floor (and so needs it probed). */
  protected get usesFloor(): boolean {
    return true;
  }

  /**
   * The next estimate after a window without drops. `meanRtt`: the window's mean latency;
   * `maxInFlight`: the most calls in flight when any of its calls started.
   */
  protected abstract next(meanRtt: number, maxInFlight: number): number;

  /**
   * Whether the caller used so little of the limit that the window says nothing about a
   * higher one (Netflix: "don't grow the limit if we are app limited").
   */
  protected appLimited(maxInFlight: number): boolean {
    return maxInFlight * 2 < this.estimate;
  }
}
