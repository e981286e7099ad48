// Gradient: Netflix concurrency-limits' Gradient2Limit with Envoy's minRTT floor.
//   gradient = clamp(tolerance · floorRtt / windowRtt, 0.5, 1)
//   gradient = 1 (latency near its floor): grow by √limit (Envoy's headroom), if used
//   gradient < 1 (queueing): move, smoothed, toward limit · gradient + √limit
// The √limit allowance lets the limit probe upward and settles it where latency sits a
// little above the floor: just past the knee of the downstream's latency curve, which is
// its capacity C (Little's law: in-flight = throughput × latency, so beyond C only latency
// grows). https://github.com/Netflix/concurrency-limits (Gradient2Limit.java),
// https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/adaptive_concurrency_filter

import { WindowedLimit } from "./base.js";
import type { ResolvedAutoLimitOptions } from "./options.js";

export class GradientLimit extends WindowedLimit {
  private readonly tolerance: number;
  private readonly smoothing: number;

  constructor(o: ResolvedAutoLimitOptions) {
    super(o);
    this.tolerance = o.tolerance;
    this.smoothing = o.smoothing;
  }

  protected next(meanRtt: number, maxInFlight: number): number {
    const limit = this.estimate;
    const ratio = meanRtt / this.floorRtt;
    if (ratio <= this.tolerance) {
      if (this.appLimited(maxInFlight)) return limit;
      // Grow by up to √limit (Envoy's headroom), fully at the floor and less as latency
      // nears the tolerance, so the limit slows down as it approaches the knee.
      const room = Math.min(1, (this.tolerance - ratio) / (this.tolerance - 1));
      return limit + Math.sqrt(limit) * room;
    }
    // Gradient2 clamps at 0.5 so that one outlier window cannot more than halve the target.
    const gradient = Math.max(0.5, this.tolerance / ratio);
    return limit - this.smoothing * limit * (1 - gradient);
  }
}
