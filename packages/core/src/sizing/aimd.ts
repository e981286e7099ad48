// AIMD: additive increase while calls succeed, multiplicative decrease on errors and
// timeouts (in the shared windowing, see base.ts). It ignores latency, so it finds the
// downstream's capacity only where the downstream starts failing: use it when latency
// means nothing (calls of wildly different sizes) and failures are the only signal.
// https://github.com/Netflix/concurrency-limits (AIMDLimit.java)

import { WindowedLimit } from "./base.js";

export class AimdLimit extends WindowedLimit {
  protected override get usesFloor(): boolean {
    return false;
  }

  protected next(_meanRtt: number, maxInFlight: number): number {
    return this.appLimited(maxInFlight) ? this.estimate : this.estimate + 1;
  }
}
