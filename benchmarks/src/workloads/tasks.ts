// The tasks the suites run, as module tasks for WorkerPoolExecutor (and called directly for
// the sequential and AsyncPoolExecutor baselines), so every executor runs the same code.

/** Naive recursive Fibonacci: pure CPU, no allocation. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** How many primes are below `limit`, by trial division: CPU with a different profile. */
export function primes(limit: number): number {
  let count = 0;
  outer: for (let i = 2; i < limit; i++) {
    for (let d = 2; d * d <= i; d++) if (i % d === 0) continue outer;
    count++;
  }
  return count;
}

/** FNV-1a over a buffer of `kb` KiB filled from `seed`, `rounds` times: hashing in plain JS. */
export function hash(kb: number, rounds: number, seed = 1): number {
  const data = new Uint8Array(kb * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed) & 0xff;
  let h = 0x811c9dc5;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < data.length; i++) {
      h ^= data[i]!;
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** A timer sleep: IO-like waiting with no IO. */
export function sleep(ms: number): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}

/** One real HTTP request; resolves with the body's length. */
export async function httpGet(url: string): Promise<number> {
  const response = await fetch(url);
  return (await response.text()).length;
}

export function square(x: number): number {
  return x * x;
}

/** Busy for `ms`: a CPU-bound task of a set duration. Returns `ms` so the caller can check it. */
export function spin(ms: number): number {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
  return ms;
}
