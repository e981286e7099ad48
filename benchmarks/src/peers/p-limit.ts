import pLimit, { type LimitFunction } from "p-limit";
import { sumAll, type PeerAdapter } from "./adapter.js";

export default function pLimitPeer(): PeerAdapter {
  const limits = new Map<number, LimitFunction>();
  return {
    async start() {},
    asyncTrivial(n, concurrency) {
      let limit = limits.get(concurrency);
      if (!limit) limits.set(concurrency, (limit = pLimit(concurrency)));
      const pending = new Array<Promise<number>>(n);
      for (let i = 0; i < n; i++) pending[i] = limit(async (x: number) => x * x, i);
      return sumAll(pending);
    },
    async close() {},
  };
}
