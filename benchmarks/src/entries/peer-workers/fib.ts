// The bare-threads worker: n in, fib(n) out (the same function our pool's module task runs).
import { fib } from "../../workloads/tasks.js";

type Post = (data: unknown) => void;

const g = globalThis as unknown as { Bun?: unknown; Deno?: unknown; postMessage: Post; onmessage: ((e: { data: unknown }) => void) | null };
if (g.Bun !== undefined || g.Deno !== undefined) {
  g.onmessage = (e) => g.postMessage(fib(e.data as number));
} else {
  const { parentPort } = await import("node:worker_threads");
  parentPort!.on("message", (n: number) => parentPort!.postMessage(fib(n)));
}
