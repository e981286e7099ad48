// One sampling window: the running totals a limit algorithm decides on, kept as plain
// numbers so that adding a sample allocates nothing (onSample runs once per task).
// Netflix concurrency-limits decides once per window too (WindowedLimit), as does Envoy's
// gradient controller (sample_aggregate_percentile over each sampling interval): a single
// latency is noise, a window of them is a measurement.

export class SampleWindow {
  /** Completion time of the first sample in this window (NaN while empty). */
  start = Number.NaN;
  /** Samples in this window, dropped ones included. */
  count = 0;
  /** Samples that failed or timed out. */
  drops = 0;
  /** Sum of the latencies of the samples that succeeded. */
  okRttSum = 0;
  /** Smallest latency of any sample, dropped ones included (only sizes the window). */
  minRtt = Number.POSITIVE_INFINITY;
  /** Largest in-flight count any sample started with. */
  maxInFlight = 0;

  add(now: number, rtt: number, inFlight: number, dropped: boolean): void {
    if (this.count === 0) this.start = now;
    this.count++;
    // A failed call's latency says nothing reliable about queueing: a refused connection
    // fails in a millisecond and a timeout is cut at the timeout. Counting either would
    // pull the latency floor down (or up) and mislead every later window.
    if (dropped) this.drops++;
    else this.okRttSum += rtt;
    if (rtt < this.minRtt) this.minRtt = rtt;
    if (inFlight > this.maxInFlight) this.maxInFlight = inFlight;
  }

  /** Mean latency of the samples that succeeded (NaN if none did). */
  get meanRtt(): number {
    const ok = this.count - this.drops;
    return ok > 0 ? this.okRttSum / ok : Number.NaN;
  }

  get dropRate(): number {
    return this.count > 0 ? this.drops / this.count : 0;
  }

  /**
   * Whether the window holds enough to decide on: at least `minSamples` samples over at
   * least twice the reference latency (so it sees calls started after the last change),
   * or anything at all once `maxMs` have passed (a slow downstream still gets decisions).
   */
  ready(now: number, referenceRtt: number, minSamples: number, minMs: number, maxMs: number): boolean {
    if (this.count === 0) return false;
    const elapsed = now - this.start;
    if (elapsed >= maxMs) return true;
    const base = Number.isFinite(referenceRtt) ? referenceRtt : this.minRtt;
    return this.count >= minSamples && elapsed >= Math.min(maxMs, Math.max(minMs, 2 * base));
  }

  reset(): void {
    this.start = Number.NaN;
    this.count = 0;
    this.drops = 0;
    this.okRttSum = 0;
    this.minRtt = Number.POSITIVE_INFINITY;
    this.maxInFlight = 0;
  }
}
