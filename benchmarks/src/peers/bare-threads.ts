import type { PeerAdapter } from "./adapter.js";
import { spawnRaw, type RawWorker } from "./raw.js";

const url = new URL("../entries/peer-workers/fib.js", import.meta.url);

/**
 * What the machine itself gives to parallel CPU-bound work: one bare thread per CPU started
 * by hand, the calls dealt out round-robin up front, one message each, the replies summed.
 * The CPU figure divides our pool's speedup by this one's, measured in the same run.
 */
export default function bareThreads(): PeerAdapter {
  const workers: RawWorker[] = [];
  let expected = 0;
  let received = 0;
  let sum = 0;
  let finish: ((sum: number) => void) | undefined;
  const onReply = (data: unknown) => {
    sum += data as number;
    if (++received === expected) finish?.(sum);
  };
  return {
    async start(options) {
      for (let i = 0; i < options.cpus; i++) {
        const w = await spawnRaw(url);
        w.onMessage(onReply);
        workers.push(w);
      }
    },
    fib: (n, count) =>
      new Promise<number>((resolve) => {
        expected = count;
        received = 0;
        sum = 0;
        finish = resolve;
        for (let i = 0; i < count; i++) workers[i % workers.length]!.post(n);
      }),
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
