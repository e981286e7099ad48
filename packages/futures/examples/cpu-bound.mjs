// CPU-bound work on WorkerPoolExecutor, the same import on every runtime.
// Run: node cpu-bound.mjs | bun cpu-bound.mjs | deno run --allow-read cpu-bound.mjs
import { WorkerPoolExecutor } from "@concurrent/futures";

// Self-contained: it may use its arguments and globals, nothing captured from here.
function countPrimes(from, to) {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return count;
}

const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
// In TypeScript (or a runtime with explicit resource management): `await using pool = new ...`.
const pool = new WorkerPoolExecutor();

const squares = [];
for await (const r of pool.map((n) => n * n, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])) squares.push(r);
console.log(`${runtime}: squares ${squares.join(" ")}`);

const N = 4_000_000;
const step = N / 16;
const t0 = performance.now();
let sequential = 0;
for (let i = 0; i < N; i += step) sequential += countPrimes(i, i + step);
const t1 = performance.now();
let parallel = 0;
for await (const c of pool.map(([from, to]) => {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return count;
}, Array.from({ length: 16 }, (_, i) => [i * step, (i + 1) * step]))) parallel += c;
const t2 = performance.now();
console.log(
  `${runtime}: ${parallel} primes below ${N} (main thread agrees: ${sequential === parallel}); ` +
    `main thread ${(t1 - t0).toFixed(0)} ms, ${pool.stats().limit} workers ${(t2 - t1).toFixed(0)} ms, ` +
    `speedup ${((t1 - t0) / (t2 - t1)).toFixed(2)}x`,
);
await pool.shutdown();
