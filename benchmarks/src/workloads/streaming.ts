// The streaming suite's cases, each run in a fresh child process (harness/peer-host.ts
// `callFunction`): one worker, N small values produced in it and consumed here, as one stream,
// as one task returning an array, as N submitted tasks, and as raw postMessage (one message
// per value). Each reports the time to the first value and to the last, with a checksum.
import type { Future } from "@concurrent/futures";
import { workerPool, warmPool, shutdownWithin } from "../harness/ours.js";
import { measureRss, type RssReport } from "../harness/rss.js";

export interface StreamingResult {
  firstMs: number;
  totalMs: number;
  checksum: number;
  expected: number;
  rss?: RssReport;
}

const expectedSum = (n: number) => (n * (n - 1)) / 2;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function* values(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

async function withPool<T>(body: (pool: ReturnType<typeof workerPool>) => Promise<T>): Promise<T> {
  const pool = workerPool({ maxWorkers: 1 });
  await warmPool(pool, 1);
  // Compile the tasks once, outside the timing.
  for await (const v of pool.stream(values, 2)) void v;
  await pool.submit((n: number) => Array.from({ length: n }, (_, i) => i), 2);
  await pool.submit((i: number) => i, 0);
  try {
    return await body(pool);
  } finally {
    await shutdownWithin(pool);
  }
}

// Values/s is measured once the code on both sides runs warm: each way first moves this
// many values untimed (the pool's stream path, the raw worker's message path alike).
const WARM_VALUES = 20_000;

/** N values as one stream (`highWaterMark` given), consumed as fast as they come. */
export function stream(n: number, highWaterMark: number): Promise<StreamingResult> {
  return withPool(async (pool) => {
    for await (const v of pool.streamWith({ highWaterMark }, values, WARM_VALUES)) void v;
    const t0 = performance.now();
    let firstMs = -1;
    let sum = 0;
    for await (const v of pool.streamWith({ highWaterMark }, values, n)) {
      if (firstMs < 0) firstMs = performance.now() - t0;
      sum += v;
    }
    return { firstMs, totalMs: performance.now() - t0, checksum: sum, expected: expectedSum(n) };
  });
}

// The first-value and round-trip cases run this many times their timed rounds untimed first.
const WARM_ROUNDS = 4;

/**
 * Time to the first value of a stream on a warm pool, median of `rounds` streams of 1,000
 * values (each drained before the next starts), after WARM_ROUNDS × as many untimed ones — measured as
 * {@link roundTrip} measures a single task, so the two compare like for like. (Without the
 * untimed rounds the median is taken while the runtime still compiles the stream path, which
 * is longer than a submit's: on Bun the first 50 streams' median was twice the next 50's.)
 */
export function firstValue(rounds: number, highWaterMark: number): Promise<StreamingResult> {
  return withPool(async (pool) => {
    const times: number[] = [];
    let sum = 0;
    for (let i = 0; i < WARM_ROUNDS * rounds; i++) for await (const v of pool.streamWith({ highWaterMark }, values, 1000)) void v;
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      let first = -1;
      for await (const v of pool.streamWith({ highWaterMark }, values, 1000)) {
        if (first < 0) first = performance.now() - t0;
        sum += v;
      }
      times.push(first);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    return { firstMs: median, totalMs: median, checksum: sum, expected: rounds * expectedSum(1000) };
  });
}

/** N values as one task returning an array: the first value comes with the last. */
export function array(n: number): Promise<StreamingResult> {
  return withPool(async (pool) => {
    const t0 = performance.now();
    const all = await pool.submit((count: number) => Array.from({ length: count }, (_, i) => i), n);
    const firstMs = performance.now() - t0;
    let sum = 0;
    for (const v of all) sum += v;
    return { firstMs, totalMs: performance.now() - t0, checksum: sum, expected: expectedSum(n) };
  });
}

/** N values as N submitted tasks, all submitted at once. */
export function submits(n: number): Promise<StreamingResult> {
  return withPool(async (pool) => {
    const t0 = performance.now();
    let firstMs = -1;
    const fs: Future<number>[] = new Array(n);
    for (let i = 0; i < n; i++) fs[i] = pool.submit((x: number) => x, i);
    fs[0]!.addDoneCallback(() => (firstMs = performance.now() - t0));
    let sum = 0;
    for (const f of fs) sum += await f;
    return { firstMs, totalMs: performance.now() - t0, checksum: sum, expected: expectedSum(n) };
  });
}

/** The reference: a bare worker posts the N values one message each. */
export async function raw(n: number): Promise<StreamingResult> {
  const url = new URL("../entries/peer-workers/raw-stream.js", import.meta.url);
  const g = globalThis as unknown as { Bun?: unknown; Deno?: unknown; Worker: new (u: URL, o: object) => { postMessage(d: unknown): void; onmessage: ((e: { data: unknown }) => void) | null; terminate(): void } };
  let post: (d: unknown) => void;
  let onMessage: (fn: (d: unknown) => void) => void;
  let terminate: () => unknown;
  if (g.Bun !== undefined || g.Deno !== undefined) {
    const w = new g.Worker(url, { type: "module" });
    post = (d) => w.postMessage(d);
    onMessage = (fn) => (w.onmessage = (e) => fn(e.data));
    terminate = () => w.terminate();
  } else {
    const { Worker } = await import("node:worker_threads");
    const w = new Worker(url);
    post = (d) => w.postMessage(d);
    onMessage = (fn) => w.on("message", fn);
    terminate = () => w.terminate();
  }
  const run = (count: number) =>
    new Promise<{ firstMs: number; sum: number }>((resolve) => {
      const t0 = performance.now();
      let got = 0;
      let sum = 0;
      let firstMs = -1;
      onMessage((d) => {
        if (got === 0) firstMs = performance.now() - t0;
        sum += d as number;
        if (++got === count) resolve({ firstMs, sum });
      });
      post(count);
    });
  await run(WARM_VALUES);
  const t0 = performance.now();
  const r = await run(n);
  const totalMs = performance.now() - t0;
  await terminate();
  return { firstMs: r.firstMs, totalMs, checksum: r.sum, expected: expectedSum(n) };
}

/** A single task's round trip on a warm worker (median of `rounds`), ms. */
export function roundTrip(rounds: number): Promise<StreamingResult> {
  return withPool(async (pool) => {
    const times: number[] = [];
    let sum = 0;
    for (let i = 0; i < WARM_ROUNDS * rounds; i++) await pool.submit((x: number) => x, i); // untimed, as firstValue's
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      sum += await pool.submit((x: number) => x, i);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    return { firstMs: median, totalMs: median, checksum: sum, expected: expectedSum(rounds) };
  });
}

/** Extra RSS while a consumer that sleeps 1 ms per value takes N values from a stream. */
export function slowConsumer(n: number, highWaterMark: number): Promise<StreamingResult> {
  return withPool(async (pool) => {
    const t0 = performance.now();
    let firstMs = -1;
    const { value, rss } = await measureRss(async () => {
      let sum = 0;
      for await (const v of pool.streamWith({ highWaterMark }, values, n)) {
        if (firstMs < 0) firstMs = performance.now() - t0;
        sum += v;
        await sleep(1);
      }
      return sum;
    });
    return { firstMs, totalMs: performance.now() - t0, checksum: value, expected: expectedSum(n), rss };
  });
}
