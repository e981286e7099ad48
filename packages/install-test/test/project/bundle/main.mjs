// The ten-line program each bundler and compiler in bundles.mjs turns into one file.
import { WorkerPoolExecutor, taskModule } from "@concurrent/futures";
const tasks = taskModule(new URL("./tasks.mjs", import.meta.url));
const pool = new WorkerPoolExecutor({ maxWorkers: 2 });
const square = await pool.submit((n) => n * n, 7);
const map = [];
for await (const r of pool.map(tasks.fib, [1, 2, 3, 4, 5, 6, 7, 8])) map.push(r);
const fib = await pool.submit(tasks.fib, 20);
await pool.shutdown();
console.log(JSON.stringify({ square, map, fib }));
