import { fileURLToPath } from "node:url";
import { FixedThreadPool } from "poolifier";
import { sumAll, type PeerAdapter } from "./adapter.js";

const file = fileURLToPath(new URL("../entries/peer-workers/poolifier.js", import.meta.url));

export default function poolifier(): PeerAdapter {
  let pool: FixedThreadPool<number, number>;
  return {
    async start({ workers }) {
      pool = new FixedThreadPool<number, number>(workers, file);
      await sumAll(Array.from({ length: workers * 4 }, (_, i) => pool.execute(i)));
    },
    tinySubmit(n) {
      const pending = new Array<Promise<number>>(n);
      for (let i = 0; i < n; i++) pending[i] = pool.execute(i);
      return sumAll(pending);
    },
    async roundTrip(count) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += await pool.execute(i);
      return sum;
    },
    async close() {
      await pool.destroy();
    },
  };
}
