/** Latency percentiles over the most recent samples, in ms. */
export interface Percentiles {
  /** Median, ms. */
  p50: number;
  /** 90th percentile, ms. */
  p90: number;
  /** 99th percentile, ms. */
  p99: number;
  /** Largest sample in the window, ms. */
  max: number;
  /** How many samples the window holds (at most its size). */
  samples: number;
}

/** What every executor's `stats()` returns. */
export interface ExecutorStats {
  /** The current in-flight limit (`AsyncPoolExecutor`), or the worker count limit (`WorkerPoolExecutor`). */
  limit: number;
  /** Calls running now (for a worker pool: handed to a worker and not yet reported back). */
  inFlight: number;
  /** Calls submitted and waiting for a slot. */
  queued: number;
  /** Calls that finished with a value. */
  completed: number;
  /** Calls that finished with an error. */
  failed: number;
  /** Calls cancelled before they started. */
  cancelled: number;
  /** How long calls ran, over the most recent calls. */
  runTime: Percentiles;
  /** How long calls waited between submit and start, over the most recent calls. */
  waitTime: Percentiles;
}

/** Stats of a worker pool: the executor stats plus its workers. */
export interface WorkerPoolStats extends ExecutorStats {
  /** Workers alive now (starting, ready or busy). */
  workers: number;
  /** Share of the pool's capacity (maxWorkers × time since creation) spent running calls, 0…1. */
  utilization: number;
}

/**
 * A fixed-size ring of recent samples: recording is two stores, no allocation once full;
 * percentiles are computed (on a sorted copy) only when asked. It starts small and doubles
 * up to `size`, so a window that sees a few samples (a per-key window of a key called
 * once) stays a small on-heap array, not a full-size buffer.
 */
export class SampleWindow {
  #samples: Float64Array;
  readonly #size: number;
  #next = 0;
  #count = 0;

  constructor(size = 1024) {
    this.#size = size;
    this.#samples = new Float64Array(Math.min(8, size));
  }

  record(value: number): void {
    let samples = this.#samples;
    // Full but smaller than its size: it never wrapped (it grows as soon as it fills), so its
    // samples are in order; grow by copying, and the next one goes after them.
    if (this.#count === samples.length && this.#count < this.#size) {
      const grown = new Float64Array(Math.min(this.#size, this.#count * 2));
      grown.set(samples);
      this.#samples = samples = grown;
      this.#next = this.#count;
    }
    samples[this.#next] = value;
    if (++this.#next === samples.length) this.#next = 0;
    if (this.#count < samples.length) this.#count++;
  }

  percentiles(): Percentiles {
    const n = this.#count;
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0, samples: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]!, samples: n };
  }
}

/**
 * The counters and latency windows every executor keeps, and the `stats()` they make:
 * an executor counts each call once as completed, failed or cancelled, records run and
 * wait times, and supplies what only it knows (limit, in flight, queued).
 */
export class ExecutorCounters {
  completed = 0;
  failed = 0;
  cancelled = 0;
  readonly runTime = new SampleWindow();
  readonly waitTime = new SampleWindow();

  stats(limit: number, inFlight: number, queued: number): ExecutorStats {
    return {
      limit,
      inFlight,
      queued,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      runTime: this.runTime.percentiles(),
      waitTime: this.waitTime.percentiles(),
    };
  }
}
