import { WorkerPoolExecutor } from "@concurrent/futures";
function* values(n) { for (let i = 0; i < n; i++) yield i; }
const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
await pool.submit((x) => x, 1);
const hwm = Number(process.argv[2] ?? 1024);
async function drain(s) { let sum = 0; for await (const v of s) sum += v; return sum; }
const out = [];
for (let k = 0; k < 10; k++) {
  const n = k === 0 ? 20000 : 100000;
  const t0 = performance.now();
  await drain(pool.streamWith({ highWaterMark: hwm }, values, n));
  out.push(`${n / 1000}k:${(performance.now() - t0).toFixed(1)}`);
}
console.log(out.join(" "));
await pool.shutdown();
