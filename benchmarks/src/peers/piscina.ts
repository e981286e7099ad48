import { Piscina } from "piscina";
import { sumAll, type PeerAdapter } from "./adapter.js";

const filename = new URL("../entries/peer-workers/square.js", import.meta.url).href;

export default function piscina(): PeerAdapter {
  let pool: Piscina;
  return {
    async start({ workers }) {
      pool = new Piscina({ filename, minThreads: workers, maxThreads: workers });
      await sumAll(Array.from({ length: workers * 4 }, (_, i) => pool.run(i) as Promise<number>));
    },
    tinySubmit(n) {
      const pending = new Array<Promise<number>>(n);
      for (let i = 0; i < n; i++) pending[i] = pool.run(i) as Promise<number>;
      return sumAll(pending);
    },
    async roundTrip(count) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += (await pool.run(i)) as number;
      return sum;
    },
    async close() {
      await pool.destroy();
    },
  };
}
