import type { BenchStats } from "@concurrent/bench-schema";

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Of paired measurements (a[i] taken with b[i]), the index whose ratio a/b is the median (the
 * upper one of an even count): report that pair, so the two numbers stay a pair.
 */
export function medianRatioIndex(a: readonly number[], b: readonly number[]): number {
  const order = a.map((_, i) => i).sort((i, j) => a[i]! / b[i]! - a[j]! / b[j]!);
  return order[Math.floor(order.length / 2)]!;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 1) return sorted[0]!;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Statistics of one case from its iteration times (ms), tinybench's definitions. `throughput`
 * follows the schema (ops / mean); comparisons use {@link medianThroughput}, which one slow
 * outlier (a GC, a worker start) cannot move.
 */
export function statsFromSamples(samples: readonly number[], opsPerIteration: number): BenchStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  // 95% two-sided t critical values for small df; 1.96 beyond.
  const t = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228][n - 2] ?? 1.96;
  const rme = n > 1 && mean > 0 ? (100 * t * Math.sqrt(variance / n)) / mean : 0;
  return {
    mean,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    samples: n,
    throughput: mean > 0 ? opsPerIteration / (mean / 1000) : 0,
    opsPerIteration,
    rme,
  };
}

/** Tasks per second at the median iteration time (one definition, shared with the dashboard). */
export { medianThroughput } from "@concurrent/bench-schema";

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
