import type { PeerAdapter } from "./adapter.js";

export interface RawWorker {
  post(data: unknown): void;
  onMessage(fn: (data: unknown) => void): void;
  terminate(): Promise<unknown>;
}

const url = new URL("../entries/peer-workers/raw.js", import.meta.url);

/** A worker running `workerUrl` (the raw square worker by default), with no pool around it. */
export async function spawnRaw(workerUrl: URL = url): Promise<RawWorker> {
  const g = globalThis as unknown as { Bun?: unknown; Deno?: unknown; Worker: new (u: URL, o: object) => { postMessage(d: unknown): void; onmessage: ((e: { data: unknown }) => void) | null; terminate(): void } };
  if (g.Bun !== undefined || g.Deno !== undefined) {
    const w = new g.Worker(workerUrl, { type: "module" });
    return {
      post: (d) => w.postMessage(d),
      onMessage: (fn) => (w.onmessage = (e) => fn(e.data)),
      terminate: async () => w.terminate(),
    };
  }
  const { Worker } = await import("node:worker_threads");
  const w = new Worker(workerUrl);
  return { post: (d) => w.postMessage(d), onMessage: (fn) => w.on("message", fn), terminate: () => w.terminate() };
}

/**
 * The ceiling: `postMessage` with no pool around it. `batch` 1 is one message per task, all
 * posted at once (pipelined) and spread round-robin over the workers; a larger `batch` sends
 * that many items per message.
 */
export function rawAdapter(batch: number): PeerAdapter {
  const workers: RawWorker[] = [];
  // The one job in flight: replies are counted here, no per-task promise or closure.
  let expected = 0;
  let received = 0;
  let sum = 0;
  let finish: ((sum: number) => void) | undefined;
  const onReply = (data: unknown) => {
    if (typeof data === "number") {
      sum += data;
      received++;
    } else {
      for (const v of data as number[]) sum += v;
      received += (data as number[]).length;
    }
    if (received === expected) finish?.(sum);
  };
  const run = (n: number, first = 0) =>
    new Promise<number>((resolve) => {
      expected = n;
      received = 0;
      sum = 0;
      finish = resolve;
      if (batch === 1) {
        for (let i = 0; i < n; i++) workers[i % workers.length]!.post(first + i);
      } else {
        for (let start = 0, k = 0; start < n; start += batch, k++) {
          const items = new Array<number>(Math.min(batch, n - start));
          for (let j = 0; j < items.length; j++) items[j] = start + j;
          workers[k % workers.length]!.post(items);
        }
      }
    });
  return {
    async start(options) {
      for (let i = 0; i < options.workers; i++) {
        const w = await spawnRaw();
        w.onMessage(onReply);
        workers.push(w);
      }
      await run(options.workers * 4);
    },
    tinySubmit: (n) => run(n),
    tinyMap: (n) => run(n),
    async roundTrip(count) {
      let total = 0;
      for (let i = 0; i < count; i++) total += await run(1, i);
      return total;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export default function raw(): PeerAdapter {
  return rawAdapter(1);
}
