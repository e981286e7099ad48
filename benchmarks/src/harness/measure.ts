import { Bench } from "tinybench";
import type { BenchCase, CaseLabels, CaseStatus } from "@concurrent/bench-schema";
import type { Progress } from "./progress.js";
import { statsFromSamples } from "./stats.js";

/** One thing to time: `run` is one iteration of `ops` tasks. */
export interface CaseSpec {
  name: string;
  group?: string;
  labels: CaseLabels;
  /** Tasks one iteration runs. */
  ops: number;
  /** Once, before its first round (start a pool, warm it). Not timed. */
  setup?: () => Promise<void>;
  run: () => Promise<unknown>;
  /** Once, after its last round. */
  teardown?: () => Promise<void>;
  /** Extra scalars, read after the last round. */
  metrics?: () => Record<string, number>;
}

export interface MeasureOptions {
  /** Rounds over all cases; each round runs every case in turn (rotated order). */
  rounds: number;
  /** At most this many timed iterations per case and round... */
  iterations: number;
  /** ...and at most this long (ms) per case and round; at least one iteration always runs. */
  timeMs: number;
  /** Untimed iterations per case before its first round. @default 1 */
  warmupIterations?: number;
  /** A single iteration longer than this marks the case `"timeout"` and drops it. */
  iterationTimeoutMs: number;
  progress?: Progress;
}

interface Tracker {
  spec: CaseSpec;
  samples: number[];
  status: CaseStatus;
  error?: string;
  ready: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** `p` or a rejection after `ms` — the hung promise is left behind, the run goes on. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutSignal(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class TimeoutSignal extends Error {
  override name = "TimeoutSignal";
}

/**
 * Times the cases in interleaved rounds (A B C, B C A, C A B, …) so that a slow drift of the
 * machine (thermal, other load) hits every case alike, and a ratio of two cases compares like
 * with like. Within a round each case is one tinybench task; samples of all rounds are
 * pooled. A case that throws or hangs is recorded as such and dropped from later rounds.
 */
export async function measureInterleaved(specs: CaseSpec[], options: MeasureOptions): Promise<BenchCase[]> {
  const trackers: Tracker[] = specs.map((spec) => ({ spec, samples: [], status: "ok", ready: false }));
  const total = options.rounds * trackers.length;
  let step = 0;
  for (let round = 0; round < options.rounds; round++) {
    const order = trackers.map((_, i) => trackers[(i + round) % trackers.length]!);
    for (const t of order) {
      step++;
      if (t.status !== "ok") continue;
      options.progress?.update(step, total, `${t.spec.name} (round ${round + 1}/${options.rounds})`);
      try {
        if (!t.ready) {
          if (t.spec.setup) await withTimeout(t.spec.setup(), options.iterationTimeoutMs * 2, "setup");
          for (let i = 0; i < (options.warmupIterations ?? 1); i++) {
            await withTimeout(t.spec.run(), options.iterationTimeoutMs, "warmup iteration");
          }
          t.ready = true;
        }
        t.samples.push(...(await timeRound(t.spec, options)));
      } catch (error) {
        t.status = error instanceof TimeoutSignal ? "timeout" : "failed";
        t.error = message(error);
        options.progress?.note(`${t.spec.name}: ${t.status} — ${t.error}`);
      }
    }
  }
  const out: BenchCase[] = [];
  for (const t of trackers) {
    if (t.spec.teardown) {
      await withTimeout(t.spec.teardown(), options.iterationTimeoutMs, "teardown").catch((error: unknown) => {
        options.progress?.note(`${t.spec.name}: teardown failed — ${message(error)}`);
      });
    }
    const c: BenchCase = { name: t.spec.name, labels: t.spec.labels };
    if (t.spec.group !== undefined) c.group = t.spec.group;
    if (t.status !== "ok") {
      c.status = t.status;
      c.error = t.error ?? "unknown";
    }
    if (t.samples.length > 0) c.stats = statsFromSamples(t.samples, t.spec.ops);
    else if (t.status === "ok") {
      c.status = "failed";
      c.error = "no samples";
    }
    const metrics = t.spec.metrics?.();
    if (metrics && Object.keys(metrics).length > 0) c.metrics = metrics;
    out.push(c);
  }
  return out;
}

async function timeRound(spec: CaseSpec, options: MeasureOptions): Promise<number[]> {
  const bench = new Bench({
    iterations: options.iterations,
    time: options.timeMs,
    warmup: false,
    retainSamples: true,
    throws: true,
  });
  bench.add(spec.name, () => withTimeout(spec.run(), options.iterationTimeoutMs, "iteration"), { async: true });
  await bench.run();
  const task = bench.tasks[0]!;
  const result = task.result;
  if (result.state === "errored") throw result.error;
  if (result.state !== "completed") throw new Error(`tinybench task ended ${result.state}`);
  return [...(result.latency.samples ?? [])];
}
