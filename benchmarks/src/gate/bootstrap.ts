/**
 * The PR gate's statistics. Each round runs base and PR back to back, so the two share the
 * machine's state of the moment (another job on the runner, a frequency change); the ratio
 * PR/base of a round cancels most of it. Over the rounds, the median of those ratios is the
 * change, and a percentile bootstrap of that median (resampling the rounds) its confidence
 * interval.
 */
import { mulberry32 } from "@concurrent/testkit/random";

/** The median; NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `[low, high]`: the central `confidence` interval of the median of `values`, by bootstrap. */
export function bootstrapMedianCI(values: readonly number[], options: { confidence?: number; iterations?: number; seed?: number } = {}): [number, number] {
  const n = values.length;
  if (n === 0) return [NaN, NaN];
  const { confidence = 0.95, iterations = 4000, seed = 1 } = options;
  // Seeded, so a report is reproducible from its samples.
  const next = mulberry32(seed);
  const medians = new Float64Array(iterations);
  const sample = new Array<number>(n);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < n; j++) sample[j] = values[Math.floor(next() * n)]!;
    medians[i] = median(sample);
  }
  medians.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => medians[Math.min(iterations - 1, Math.max(0, Math.round(q * (iterations - 1))))]!;
  return [at(tail), at(1 - tail)];
}
