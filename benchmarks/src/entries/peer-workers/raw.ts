// The raw postMessage worker: a number in, its square out; an array in, the array of squares
// out. On Node through worker_threads, on Bun and Deno through the web Worker global — each
// runtime's own fastest path, as our adapters use.
type Post = (data: unknown) => void;

const square = (data: unknown): unknown => {
  if (typeof data === "number") return data * data;
  const xs = data as number[];
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]! * xs[i]!;
  return out;
};

const g = globalThis as unknown as { Bun?: unknown; Deno?: unknown; postMessage: Post; onmessage: ((e: { data: unknown }) => void) | null };
if (g.Bun !== undefined || g.Deno !== undefined) {
  g.onmessage = (e) => g.postMessage(square(e.data));
} else {
  const { parentPort } = await import("node:worker_threads");
  parentPort!.on("message", (data: unknown) => parentPort!.postMessage(square(data)));
}
