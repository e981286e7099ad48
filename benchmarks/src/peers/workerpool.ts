import { fileURLToPath } from "node:url";
import workerpool from "workerpool";
import { sumAll, type PeerAdapter } from "./adapter.js";

const script = fileURLToPath(new URL("../entries/peer-workers/workerpool.js", import.meta.url));

export default function workerpoolPeer(): PeerAdapter {
  let pool: ReturnType<typeof workerpool.pool>;
  const run = (x: number) => pool.exec("square", [x]) as unknown as PromiseLike<number>;
  return {
    async start({ workers }) {
      pool = workerpool.pool(script, { minWorkers: workers, maxWorkers: workers, workerType: "thread" });
      await sumAll(Array.from({ length: workers * 4 }, (_, i) => run(i)));
    },
    tinySubmit(n) {
      const pending = new Array<PromiseLike<number>>(n);
      for (let i = 0; i < n; i++) pending[i] = run(i);
      return sumAll(pending);
    },
    async roundTrip(count) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += await run(i);
      return sum;
    },
    async close() {
      await pool.terminate();
    },
  };
}
