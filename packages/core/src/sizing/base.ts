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

/**
 * No call has finished for this many latency floors while calls were in flight: the
 * downstream has stalled. The calls are still out, so no sample says so; the executor's
 * watchdog reports the silence ({@link WindowedLimit.onStall}) and the limit backs off now
 * rather than when the stalled calls come back (seconds later, or never).
 */
const stallFloors = 32;

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
  /**
   * When the limit last went down (a decrease or a probe). A call that started before it
   * measures the load we have already reacted to: its sample is left out, so one episode of
   * congestion is answered once (TCP cuts its window once per round trip, for the same reason).
   */
  private loweredAt = Number.NEGATIVE_INFINITY;
  /** The silence that triggered the last stall backoff (0: none since the last sample). */
  private stallAge = 0;
  /**
   * Where latency last said "congested": the estimate just before that decrease (∞: not
   * yet). The algorithms grow carefully near it and fast away from it (as TCP CUBIC does
   * around its last W_max).
   */
  protected knee = Number.POSITIVE_INFINITY;

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
    this.stallAge = 0;
    // A call that started before the limit went down measures the old load.
    if (now - rtt < this.loweredAt) return;
    const probing = this.probeSaved === this.probeSaved;
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
    const decision = w.drops > 0 || !probing;
    w.reset();
    this.set(now, next, decision);

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
      this.loweredAt = now;
    }
  }

  /**
   * The executor's watchdog: calls are in flight and none has finished for `age` ms (so
   * the oldest has been out at least that long). Past {@link stallFloors} latency floors,
   * that silence is congestion the samples cannot show yet: the limit is cut by
   * `backoffRatio` (as for a window of timeouts), and again each time the silence doubles.
   */
  onStall(now: number, age: number): void {
    const floor = this.floorRtt;
    if (!(floor < Number.POSITIVE_INFINITY) || age < stallFloors * floor || age < 2 * this.stallAge) return;
    this.stallAge = age;
    if (this.probeSaved === this.probeSaved) {
      this.estimate = this.probeSaved;
      this.probeSaved = Number.NaN;
    }
    this.window.reset();
    // The first cut of a silence marks the knee; the further ones only back off.
    this.set(now, this.estimate * this.backoffRatio, this.loweredAt <= now - age);
  }

  /** Moves the estimate to `next` (within bounds); a decrease marks the knee and `loweredAt`. */
  private set(now: number, next: number, decision: boolean): void {
    const estimate = Math.min(this.max, Math.max(this.min, next));
    if (Math.floor(estimate) < this.limit) {
      if (decision) this.knee = this.estimate;
      this.loweredAt = now;
    }
    this.estimate = estimate;
    this.limit = Math.floor(estimate);
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
