// IO-bound work on AsyncPoolExecutor: map (input order) vs submit + asCompleted
// (completion order). Run: node io-bound.mjs | bun io-bound.mjs | deno run -A io-bound.mjs
import { AsyncPoolExecutor, asCompleted } from "@concurrent/futures";

// Stands in for a request: the answer for n arrives after a random delay.
async function square(n) {
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
  return n * n;
}

// In TypeScript (or a runtime with explicit resource management): `await using ex = new ...`.
const ex = new AsyncPoolExecutor({ maxWorkers: "auto" });

const t0 = performance.now();
const inOrder = [];
for await (const r of ex.map(square, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])) inOrder.push(r);
console.log(`map, input order:           ${inOrder.join(" ")}  (${(performance.now() - t0).toFixed(0)} ms)`);

const t1 = performance.now();
const futures = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ex.submit(square, n));
const asDone = [];
for await (const f of asCompleted(futures)) asDone.push(await f);
console.log(`asCompleted, as they finish: ${asDone.join(" ")}  (${(performance.now() - t1).toFixed(0)} ms)`);
console.log("stats:", JSON.stringify({ ...ex.stats(), runTime: undefined, waitTime: undefined }));
await ex.shutdown();
