import { fib } from "../workloads/tasks.js";
import type { PeerAdapter } from "./adapter.js";

/** The CPU-bound baseline: the same calls, one after the other, in this thread. */
export default function mainThread(): PeerAdapter {
  return {
    async start() {},
    async fib(n, count) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += fib(n);
      return sum;
    },
    async close() {},
  };
}
