/**
 * What every peer pool offers the peers suite. Each adapter runs in its own child process
 * (entries/peer-process.ts), so a peer that hangs or crashes on a runtime is killed and recorded,
 * never taking the run with it. A method a peer lacks is a case it does not take part in.
 */
export interface PeerAdapter {
  start(options: { workers: number; cpus: number }): Promise<void>;
  /** `n` tiny tasks (x ⇒ x·x of 0…n−1), all submitted, then awaited; the sum of the results. */
  tinySubmit?(n: number): Promise<number>;
  /** The same work as one `map` (or the peer's equivalent); `chunksize` if it takes one. */
  tinyMap?(n: number, chunksize?: number): Promise<number>;
  /** `count` single tasks, one after the other: the warm round trip. */
  roundTrip?(count: number): Promise<number>;
  /** `count` × fib(n) on all cores; the sum. */
  fib?(n: number, count: number): Promise<number>;
  /** `n` trivial async tasks at `concurrency` in flight; the sum. */
  asyncTrivial?(n: number, concurrency: number): Promise<number>;
  close(): Promise<void>;
}

export type BenchName = "tinySubmit" | "tinyMap" | "roundTrip" | "fib" | "asyncTrivial";

/** The peers, by the name the results use, and the module (peers/<file>.js) that adapts each. */
export const PEERS = {
  "@concurrent/futures": "ours",
  AsyncPoolExecutor: "ours-async",
  piscina: "piscina",
  tinypool: "tinypool",
  workerpool: "workerpool",
  poolifier: "poolifier",
  "p-limit": "p-limit",
  "raw-postMessage": "raw",
  "raw-postMessage-batched": "raw-batched",
  "raw-postMessage-promise": "raw-promise",
  "bare-threads": "bare-threads",
  "main-thread": "main-thread",
} as const;
export type PeerName = keyof typeof PEERS;

/** Σ i² for i < n: the checksum of every tiny-task bench. */
export function sumOfSquares(n: number): number {
  return ((n - 1) * n * (2 * n - 1)) / 6;
}

/** Sum of settled values, for the pools that hand back promises. */
export async function sumAll(pending: PromiseLike<number>[]): Promise<number> {
  let sum = 0;
  for (const v of await Promise.all(pending)) sum += v;
  return sum;
}
