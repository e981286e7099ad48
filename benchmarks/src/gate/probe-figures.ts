/**
 * The PR gate's figures: our own executors only, each the CPU time (all threads) spent per
 * task in a short measurement that a slower per-task path moves (submit, map's chunk path, a single round trip, the async pool). The
 * same probe code measures both sides, each side's own build of the library (the probe
 * imports it by path), so the only difference between the two is the code under review.
 */
export interface ProbeFigure {
  name: string;
  label: string;
  unit: string;
  better: "higher" | "lower";
}

export const PROBE_FIGURES: ProbeFigure[] = [
  { name: "submit-tiny", label: "WorkerPoolExecutor: 4,000 tiny submits, then await all", unit: "µs CPU/task", better: "lower" },
  { name: "map-chunked", label: "WorkerPoolExecutor: map over 20,000 tiny items, chunksize 256", unit: "µs CPU/task", better: "lower" },
  { name: "async-trivial", label: "AsyncPoolExecutor: 10,000 trivial async tasks, 16 in flight", unit: "µs CPU/task", better: "lower" },
];

/** What one probe process prints: per figure, µs of CPU per task of each repetition, per side (pairs by index). */
export interface ProbeOutput {
  figures: { [name: string]: { base: number[]; pr: number[] } };
}
