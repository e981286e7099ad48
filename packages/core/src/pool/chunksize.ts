/**
 * The automatic `map` chunksize of a worker pool.
 *
 * - The function has run on this pool before (`avgMs` ≥ 0): enough items for about 1 ms of
 *   work per chunk, but no more than a quarter of an even share per worker.
 * - It has not, and the input's length is known (an array, a typed array, a Set or Map):
 *   up to 16 items, and at most 1/16 of an even share per worker, so that long calls still
 *   spread over the workers.
 * - Otherwise (an iterator of unknown length): 1.
 *
 * Never more than 1024.
 */
export function autoChunksize(items: Iterable<unknown> | AsyncIterable<unknown>, maxWorkers: number, avgMs: number): number {
  const length = Array.isArray(items) || ArrayBuffer.isView(items) ? (items as ArrayLike<unknown>).length : (items as { size?: unknown }).size;
  const n = typeof length === "number" ? length : undefined;
  const share = n === undefined ? Infinity : Math.max(1, Math.ceil(n / (4 * maxWorkers)));
  if (avgMs > 0) return Math.max(1, Math.min(1024, share, Math.floor(1 / avgMs)));
  if (avgMs === 0) return Math.min(1024, share);
  return n === undefined ? 1 : Math.max(1, Math.min(16, Math.ceil(n / (16 * maxWorkers))));
}
