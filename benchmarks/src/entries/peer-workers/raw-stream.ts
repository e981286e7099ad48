// The raw reference for streaming: asked for n values, posts them one message each (no pool,
// no framing, no back-pressure) — each runtime's own fastest path, as raw.ts.
type Post = (data: unknown) => void;

const g = globalThis as unknown as { Bun?: unknown; Deno?: unknown; postMessage: Post; onmessage: ((e: { data: unknown }) => void) | null };
const produce = (n: number, post: Post) => {
  for (let i = 0; i < n; i++) post(i);
};
if (g.Bun !== undefined || g.Deno !== undefined) {
  g.onmessage = (e) => produce(e.data as number, g.postMessage);
} else {
  const { parentPort } = await import("node:worker_threads");
  parentPort!.on("message", (n: number) => produce(n, (d) => parentPort!.postMessage(d)));
}
