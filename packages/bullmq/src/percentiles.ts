import type { Percentiles as Snapshot } from "@concurrent/core";

/** A ring of the most recent latency samples (ms); percentiles are computed when asked. */
export class Percentiles {
  #samples = new Float64Array(1024);
  #next = 0;
  #count = 0;

  record(ms: number): void {
    this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#count < this.#samples.length) this.#count++;
  }

  snapshot(): Snapshot {
    const n = this.#count;
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0, samples: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] as number;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] as number, samples: n };
  }
}
