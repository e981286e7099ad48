import { taskModule, type WorkerPoolExecutor } from "@concurrent/futures";
import { workerPool, warmPool, shutdownWithin } from "../harness/ours.js";
import { sumAll, type PeerAdapter } from "./adapter.js";

const work = taskModule<typeof import("../workloads/tasks.js")>(new URL("../workloads/tasks.js", import.meta.url));
const square = (x: number) => x * x;

/** Our WorkerPoolExecutor: tiny tasks as self-contained functions (sent by source), fib as a module task. */
export default function ours(): PeerAdapter {
  let pool: WorkerPoolExecutor;
  let cpuPool: WorkerPoolExecutor | undefined;
  let workers = 2;
  return {
    async start(options) {
      workers = options.workers;
      pool = workerPool({ maxWorkers: workers });
      await warmPool(pool, workers);
      if (options.cpus !== workers) {
        cpuPool = workerPool({ maxWorkers: options.cpus });
        await warmPool(cpuPool, options.cpus);
      }
    },
    tinySubmit(n) {
      const pending = new Array<PromiseLike<number>>(n);
      for (let i = 0; i < n; i++) pending[i] = pool.submit(square, i);
      return sumAll(pending);
    },
    async tinyMap(n, chunksize) {
      const items = Array.from({ length: n }, (_, i) => i);
      let sum = 0;
      for await (const v of pool.map(square, items, chunksize === undefined ? {} : { chunksize })) sum += v;
      return sum;
    },
    async roundTrip(count) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += await pool.submit(square, i);
      return sum;
    },
    fib(n, count) {
      const p = cpuPool ?? pool;
      return sumAll(Array.from({ length: count }, () => p.submit(work.fib, n)));
    },
    async close() {
      await shutdownWithin(pool);
      if (cpuPool) await shutdownWithin(cpuPool);
    },
  };
}
