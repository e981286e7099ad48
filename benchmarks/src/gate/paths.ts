import { fileURLToPath } from "node:url";

/** `benchmarks/baseline.json`, or `BENCH_BASELINE` (the gate's test points it elsewhere). */
export function baselinePath(): string {
  return process.env.BENCH_BASELINE ?? fileURLToPath(new URL("../../baseline.json", import.meta.url));
}
