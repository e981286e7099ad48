// One-shot memory and load cases, each run in a fresh child process (peers/host.ts
// `callFunction`) so that RSS is this case's alone and a hang is killed, not waited for.
import { asCompleted, type Executor, type Future } from "@concurrent/futures";
import { asyncPool, workerPool, warmPool, shutdownWithin } from "../harness/ours.js";
import { measureRss, type RssReport } from "../harness/rss.js";

/** A checksum that stays exact in a double for any count: Σ (i·i mod 1000003). */
const mod = (x: number) => (x * x) % 1_000_003;

export function expectedModSum(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (i * i) % 1_000_003;
  return s;
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function makeExecutor(kind: string, workers: number): Executor {
  return kind === "AsyncPoolExecutor" ? asyncPool({ maxWorkers: workers }) : workerPool({ maxWorkers: workers });
}

export interface MemoryResult {
  rss: RssReport;
  checksum: number;
  expected: number;
}

/** `map` over a lazy range of `n` items with `buffersize` (and `chunksize` for the worker pool). */
export async function mapBuffersize(kind: string, n: number, buffersize: number, chunksize: number, workers: number): Promise<MemoryResult> {
  const ex = makeExecutor(kind, workers);
  if (kind !== "AsyncPoolExecutor") await warmPool(ex as Parameters<typeof warmPool>[0], workers);
  const { value, rss } = await measureRss(async () => {
    let sum = 0;
    const options = kind === "AsyncPoolExecutor" ? { buffersize } : { buffersize, chunksize };
    for await (const v of ex.map(mod, range(n), options)) sum += v;
    return sum;
  });
  await shutdownWithin(ex);
  return { rss, checksum: value, expected: expectedModSum(n) };
}

/**
 * `n` submits whose futures are awaited as they complete, at most `window` outstanding: the
 * executor must not keep completed futures. (Submitting all `n` at once would measure the
 * caller's own array of futures, not the executor.)
 */
export async function submitAsCompleted(kind: string, n: number, window: number, workers: number): Promise<MemoryResult> {
  const ex = makeExecutor(kind, workers);
  if (kind !== "AsyncPoolExecutor") await warmPool(ex as Parameters<typeof warmPool>[0], workers);
  const { value, rss } = await measureRss(async () => {
    let sum = 0;
    let next = 0;
    while (next < n) {
      const batch: Future<number>[] = [];
      for (let i = 0; i < window && next < n; i++) batch.push(ex.submit(mod, next++));
      for await (const f of asCompleted(batch)) sum += await f.result();
    }
    return sum;
  });
  await shutdownWithin(ex);
  return { rss, checksum: value, expected: expectedModSum(n) };
}

/** `n` tiny tasks submitted in windows of `window`, awaited; checksum of x·x mod p. For the load suite's throughput. */
export async function tinyLoad(kind: string, n: number, window: number, workers: number): Promise<MemoryResult & { tasksPerSec: number }> {
  const ex = makeExecutor(kind, workers);
  if (kind !== "AsyncPoolExecutor") await warmPool(ex as Parameters<typeof warmPool>[0], workers);
  const { value, rss } = await measureRss(async () => {
    let sum = 0;
    for (let start = 0; start < n; start += window) {
      const end = Math.min(n, start + window);
      const pending: Future<number>[] = new Array(end - start);
      for (let i = start; i < end; i++) pending[i - start] = ex.submit(mod, i);
      for (const f of pending) sum += await f;
    }
    return sum;
  }, 50);
  await shutdownWithin(ex);
  return { rss, checksum: value, expected: expectedModSum(n), tasksPerSec: n / (rss.ms / 1000) };
}

