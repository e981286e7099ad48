// The wire protocol between a pool and its workers, in one file so the two sides cannot
// drift. Every message is a flat array whose first element is a numeric tag (adapters may
// use non-array messages of their own). Tasks are coalesced: everything submitted in one
// turn of the event loop travels in one BATCH per worker, and a worker answers with
// RESULTS in the order it received the calls, so no task ids cross the wire.


/** Host → worker: `[INIT, ctrl, initializer | null, initArgs]` — the first message. */
export const H_INIT = 0;
/** Host → worker: `[BATCH, ...records]`, each record one of the OP_* shapes below. */
export const H_BATCH = 1;

/** Record `OP_FUNCTION, id, source`: define function `id` by its source text. */
export const OP_FUNCTION = 0;
/** Record `OP_MODULE, id, url, name`: define function `id` as export `name` of module `url`. */
export const OP_MODULE = 1;
/** Record `OP_CALL, id, args`: call function `id` with `args`. */
export const OP_CALL = 2;
/** Record `OP_CHUNK, id, items`: call function `id` on each item, in order; one result for all. */
export const OP_CHUNK = 3;
/** Record `OP_CALL1, id, arg`: call function `id` with its one argument (no array to clone). */
export const OP_CALL1 = 4;

/**
 * Host → worker: `[ABORT, seq, reason]` — abort call number `seq` (counted from 0 in the
 * order the worker received its calls) with `reason` (a {@link SerializedError}): if it is
 * running, its `currentSignal()` aborts; if it has not started, it never runs (it is answered
 * with an S_ERROR result the host ignores); if it has finished, nothing happens.
 * Tags 10–19 belong to cancellation.
 */
export const H_ABORT = 10;

/**
 * Record `OP_STREAM, id, [args, highWaterMark, cells?]`: call function `id` and stream what it
 * yields. The stream occupies its worker (calls run in order) until it ends; meanwhile:
 * - the worker posts `[W_STREAM_VALUES, ...values]` frames: many small values per message,
 *   sent when the task awaits, after STREAM_FLUSH_MS, when a frame is large, and before it
 *   pauses for credit; it never runs more than the credit ahead (initially highWaterMark);
 * - the host posts `[H_STREAM_CREDIT, seq, n]` as the consumer takes values (with `cells`,
 *   shared credit cells — stream/shared-credit.ts — it adds n there instead, and posts
 *   `[H_STREAM_CREDIT, seq, 0]` only to wake a producer that parked), and
 *   `[H_STREAM_CLOSE, seq]` to stop it (`seq`: the call's place in the worker's sequence,
 *   as H_ABORT counts it, so a message for a stream that already ended is ignored); an
 *   H_ABORT of a running stream closes it too (its currentSignal() aborts as well);
 * - the stream ends with its call's ordinary entry in RESULTS, after its last frame:
 *   S_OK with the return value, S_ERROR, or S_STREAM_CLOSED once a close ran return().
 */
export const OP_STREAM = 20;
/** Host → worker: `[STREAM_CREDIT, seq, n]` — the stream may yield n more values. */
export const H_STREAM_CREDIT = 20;
/** Host → worker: `[STREAM_CLOSE, seq]` — stop the stream (its iterator's return() runs). */
export const H_STREAM_CLOSE = 21;
/** Worker → host: `[STREAM_VALUES, ...values]` — values of the stream the worker is running. */
export const W_STREAM_VALUES = 20;
/** Result status (streams): the stream stopped because the host closed it. */
export const S_STREAM_CLOSED = 20;

/** Worker → host: `[READY]` — initialized, send work. */
export const W_READY = 0;
/** Worker → host: `[INIT_FAILED, error]` — the initializer threw: the pool is broken. */
export const W_INIT_FAILED = 1;
/** Worker → host: `[RESULTS, ...(status, value, runUs)]`, in call order (run time in whole µs). */
export const W_RESULTS = 2;
/** Worker → host: `[UNCAUGHT, error]` — an error nothing caught; the worker exits next. */
export const W_UNCAUGHT = 3;

/** Result status: `value` is the call's value (for a chunk, the array of values). */
export const S_OK = 0;
/** Result status: `value` is a {@link SerializedError}. */
export const S_ERROR = 1;
/** Result status (chunks): `value` is `[valuesBeforeTheError, SerializedError]`. */
export const S_CHUNK_ERROR = 2;

/** Indexes into the per-worker control block (an Int32Array on a SharedArrayBuffer). */
export const CTRL_STARTED = 0;
export const CTRL_FINISHED = 1;
/** Int32 slots in the block: 2 counters, then (8-byte aligned) the Float64 below. */
export const CTRL_SIZE = 4;
/**
 * Byte offset of a Float64 in the same block: when the worker's latest call started, in
 * `performance.timeOrigin + performance.now()` terms (ms since the epoch, on any thread). It
 * is written before CTRL_STARTED is incremented, so the host reads it for call
 * `CTRL_STARTED - 1`; the host measures run-time `timeout`s from it.
 */
export const CTRL_STARTED_AT_BYTE = 8;

/** The start-time view of a control block (see CTRL_STARTED_AT_BYTE). */
export function startedAtView(ctrl: Int32Array): Float64Array {
  return new Float64Array(ctrl.buffer, CTRL_STARTED_AT_BYTE, 1);
}

/** How an initializer is described in INIT. */
export type TaskSpec = { source: string } | { url: string; name: string };

// Errors cross as plain data, by the one implementation every executor uses (kit/errors.ts).
export { serializeError, deserializeError, type SerializedError } from "./kit/errors.js";
import { serializeError } from "./kit/errors.js";

// ---- records: the only code that knows their layout -----------------------------------
//
// A BATCH holds definition records (3 or 4 entries) and call records (CALL_WIDTH entries);
// RESULTS holds result records (RESULT_WIDTH entries). Both sides encode and decode them
// through the functions below.

/** Entries per call record (`op, id, payload`), on the wire and in a worker's run queue. */
export const CALL_WIDTH = 3;
/** Entries per result record in RESULTS: `status, value, runUs`. */
export const RESULT_WIDTH = 3;

// The host writes a BATCH by index into an array it reuses (no growing by copies): each
// encoder writes its record at `at` and returns where the next one goes; the host then sets
// the array's length to that.

/** Host: write the definition of function `id` (by source, or as a module export) into a BATCH. */
export function encodeDefine(batch: unknown[], at: number, id: number, source: string | undefined, url: string | undefined, name: string | undefined): number {
  if (source !== undefined) {
    batch[at] = OP_FUNCTION;
    batch[at + 1] = id;
    batch[at + 2] = source;
    return at + 3;
  }
  batch[at] = OP_MODULE;
  batch[at + 1] = id;
  batch[at + 2] = url;
  batch[at + 3] = name;
  return at + 4;
}

/** The op of a call record: OP_CALL1 (payload: the one argument), OP_CALL (the arguments) or OP_CHUNK (the items). */
export type CallOp = typeof OP_CALL1 | typeof OP_CALL | typeof OP_CHUNK;

/** Host: write a call record into a BATCH. */
export function encodeCall(batch: unknown[], at: number, op: CallOp | typeof OP_STREAM, id: number, payload: unknown): number {
  batch[at] = op;
  batch[at + 1] = id;
  batch[at + 2] = payload;
  return at + CALL_WIDTH;
}

/** Host: write a stream call record into a BATCH (`cells`: its shared credit cells). */
export function encodeStreamCall(batch: unknown[], at: number, id: number, args: unknown[], highWaterMark: number, cells: Int32Array | undefined): number {
  return encodeCall(batch, at, OP_STREAM, id, [args, highWaterMark, cells]);
}

/** Worker: the arguments, high-water mark and shared credit cells of an OP_STREAM record's payload. */
export function decodeStreamCall(payload: unknown): [args: unknown[], highWaterMark: number, cells?: Int32Array] {
  return payload as [unknown[], number, Int32Array?];
}

/**
 * Worker: read a BATCH. Each definition is handed to `define(op, id, a, b)` (`a, b`: the
 * source, or the module url and export name); each call record is appended to `calls` as it
 * came (`op, id, payload`: CALL_WIDTH entries).
 */
export function decodeBatch(message: readonly unknown[], define: (op: number, id: number, a: unknown, b: unknown) => void, calls: unknown[]): void {
  for (let i = 1; i < message.length; ) {
    const op = message[i] as number;
    if (op === OP_CALL1 || op === OP_CALL || op === OP_CHUNK || op === OP_STREAM) {
      calls.push(op, message[i + 1], message[i + 2]);
      i += CALL_WIDTH;
    } else if (op === OP_FUNCTION) {
      define(op, message[i + 1] as number, message[i + 2], undefined);
      i += 3;
    } else {
      define(op, message[i + 1] as number, message[i + 2], message[i + 3]);
      i += 4;
    }
  }
}

/** Worker: append one call's result to a RESULTS message. */
export function encodeResult(out: unknown[], status: number, value: unknown, runMs: number): void {
  // The run time crosses in whole µs: a small integer, where a fraction would be a heap
  // number on both sides (V8) for every call.
  out.push(status, value, Math.round(runMs * 1000));
}

/** Host: how many results a RESULTS message holds; then result `k`'s status, value and run time. */
export function resultCount(message: readonly unknown[]): number {
  return (message.length - 1) / RESULT_WIDTH;
}
export function resultStatus(message: readonly unknown[], k: number): number {
  return message[1 + k * RESULT_WIDTH] as number;
}
export function resultValue(message: readonly unknown[], k: number): unknown {
  return message[2 + k * RESULT_WIDTH];
}
export function resultMs(message: readonly unknown[], k: number): number {
  return (message[3 + k * RESULT_WIDTH] as number) / 1000;
}

/**
 * Worker: a RESULTS message that failed to post, made postable: each result that cannot be
 * cloned (a function, a symbol, …) becomes an S_ERROR saying so; the others are kept.
 */
export function cloneableResults(message: unknown[], cause: unknown): unknown[] {
  for (let i = 1; i < message.length; i += RESULT_WIDTH) {
    try {
      structuredClone(message[i + 1]);
    } catch (error) {
      const what = message[i] === S_OK ? "the task's result" : "the task's error";
      const failure = new TypeError(
        `${what} could not be sent back from the worker (structured clone failed: ${(error as Error)?.message ?? String(error)}); return plain data: no functions, symbols or class instances with methods`,
        { cause: String(cause) },
      );
      message[i] = S_ERROR;
      message[i + 1] = serializeError(failure);
    }
  }
  return message;
}
