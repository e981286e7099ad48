import { sumAll, type PeerAdapter } from "./adapter.js";
import { spawnRaw, type RawWorker } from "./raw.js";

/**
 * Raw pipelined postMessage (one message per task, as `raw-postMessage`), plus what any
 * API that hands back a promise per call costs at least: each call gets its own promise,
 * settled by its reply (replies come back in order per worker), and the batch is awaited
 * with `Promise.all` as our submit is. The gap between this row and the raw one is the price
 * of the promise itself; the gap between ours and this row is the pool's own.
 */
export default function rawPromise(): PeerAdapter {
  const workers: { w: RawWorker; waiting: ((value: number) => void)[]; head: number }[] = [];
  const call = (k: number, x: number) =>
    new Promise<number>((resolve) => {
      const slot = workers[k]!;
      slot.waiting.push(resolve);
      slot.w.post(x);
    });
  const run = (n: number) => {
    const pending = new Array<Promise<number>>(n);
    for (let i = 0; i < n; i++) pending[i] = call(i % workers.length, i);
    return sumAll(pending);
  };
  return {
    async start(options) {
      for (let i = 0; i < options.workers; i++) {
        const slot = { w: await spawnRaw(), waiting: [] as ((value: number) => void)[], head: 0 };
        slot.w.onMessage((data) => {
          const resolve = slot.waiting[slot.head]!;
          slot.waiting[slot.head++] = undefined as never;
          if (slot.head === slot.waiting.length) {
            slot.waiting.length = 0;
            slot.head = 0;
          }
          resolve(data as number);
        });
        workers.push(slot);
      }
      await run(options.workers * 4);
    },
    tinySubmit: (n) => run(n),
    async close() {
      await Promise.all(workers.map((slot) => slot.w.terminate()));
    },
  };
}
