import type { AsyncPoolExecutor } from "@concurrent/futures";
import { asyncPool, shutdownWithin } from "../harness/ours.js";
import { sumAll, type PeerAdapter } from "./adapter.js";

const task = async (x: number) => x * x;

/** Our AsyncPoolExecutor, against p-limit: trivial async tasks, a full Future each. */
export default function oursAsync(): PeerAdapter {
  const pools = new Map<number, AsyncPoolExecutor>();
  return {
    async start() {},
    asyncTrivial(n, concurrency) {
      let ex = pools.get(concurrency);
      if (!ex) pools.set(concurrency, (ex = asyncPool({ maxWorkers: concurrency })));
      const pending = new Array<PromiseLike<number>>(n);
      for (let i = 0; i < n; i++) pending[i] = ex.submit(task, i);
      return sumAll(pending);
    },
    async close() {
      for (const ex of pools.values()) await shutdownWithin(ex);
    },
  };
}
