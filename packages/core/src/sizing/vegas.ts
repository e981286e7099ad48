// Vegas: Netflix concurrency-limits' VegasLimit, after TCP Vegas. It estimates how many
// calls are queued downstream from how far latency sits above its floor:
//   queue = limit · (1 − floorRtt / windowRtt)
// and grows fast while the queue is ~empty, slowly while it is small (< alpha), and
// shrinks once it is large (> beta); alpha and beta grow with log10(limit).
// https://github.com/Netflix/concurrency-limits (VegasLimit.java)

import { WindowedLimit } from "./base.js";

/** Netflix's Log10RootFunction: at least 1, then the integer log10 of the limit. */
function log10(limit: number): number {
  return Math.max(1, Math.floor(Math.log10(limit)));
}

export class VegasLimit extends WindowedLimit {
  protected next(meanRtt: number, maxInFlight: number): number {
    const limit = this.estimate;
    const queue = Math.ceil(limit * (1 - this.floorRtt / meanRtt));
    const step = log10(limit);
    const alpha = 3 * step;
    const beta = 6 * step;
    if (queue > beta) return limit - step;
    if (this.appLimited(maxInFlight)) return limit;
    if (queue <= step) return limit + beta;
    if (queue < alpha) return limit + step;
    return limit;
  }
}
