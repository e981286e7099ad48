/**
 * How a chunk of `map` that failed at item k reports the results before it: an executor's
 * `_submitChunk` future rejects with it, and `map` yields `values`, then throws `error`.
 */
export class ChunkError {
  constructor(
    readonly values: unknown[],
    readonly error: unknown,
  ) {}
}
