// The worker side of a stream (see OP_STREAM in protocol.ts): yielded values are gathered
// into frames so that small values travel many to a message, and no value waits long.
import { S_ERROR, S_OK, S_STREAM_CLOSED, W_STREAM_VALUES, serializeError } from "../protocol.js";
import { pump, sourceOf, taskName, type ProducerSink } from "../stream/produce.js";
import { isThenable } from "../thenable.js";
import { CREDIT_CLOSED, CREDIT_STATE, CREDIT_TAKEN, PRODUCER_BLOCKED, PRODUCER_PARKED, PRODUCER_RUNNING } from "../stream/shared-credit.js";
import type { WorkerPort } from "./port.js";

// A frame leaves when its first value is this old (checked at each value, and by a timer
// for an async task that awaits something), or at once when its first value came this long
// after the value before it, ...
const FLUSH_MS = 1;
// ... when it holds about this many bytes (a large value is not held back), ...
const FRAME_BYTES = 64 * 1024;
// ... or this many values, or a quarter of the stream's highWaterMark (but not under
// FRAME_MIN values): with a large window, the consumer starts on the first part of a refill
// while the producer makes the rest, instead of the two threads taking turns; and always
// before the producer pauses for credit or ends. The stream's first value leaves at once,
// in a frame of its own: the consumer holds it one message after the task yields it.
const FRAME_VALUES = 4096;
const FRAME_MIN = 64;
// Out of credit, the producer blocks this long at most for the consumer's next grant (see
// stream/shared-credit.ts), then parks until a message says there is more.
const BLOCK_MS = 1;
const RESOLVED = Promise.resolve();

// A cheap guess at what a value weighs on the wire; exact only for strings and buffers,
// which is where large values come from.
function weight(value: unknown): number {
  if (typeof value === "string") return value.length * 2;
  if (typeof value === "object" && value !== null) {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
    return 64;
  }
  return 8;
}

/** One running stream in this worker: its credit, its pending frame, and how it stops. */
export class WorkerStream implements ProducerSink {
  credit: number;
  closed = false;
  /**
   * Whether a timer sends a frame whose first value is FLUSH_MS old. Not needed for a sync
   * source: it gives the event loop no turn until it pauses for credit, which sends the frame.
   */
  timed = true;
  /** Set when a value could not be sent: the stream fails with it. */
  failure: TypeError | undefined = undefined;
  #frame: unknown[] = [W_STREAM_VALUES];
  #bytes = 0;
  #frameStart = 0;
  #lastEmit = performance.now();
  /** Values posted so far (the index of the next frame's first value). */
  #posted = 0;
  /** Values emitted so far (credit is highWaterMark + granted − emitted). */
  #emitted = 0;
  /** The most values a frame holds (see FRAME_VALUES). */
  readonly #frameValues: number;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #wake: (() => void) | undefined = undefined;
  readonly #flushNow = () => {
    this.#timer = undefined;
    this.flush();
  };

  constructor(
    /** The call's place in this worker's sequence: credit and close messages name it. */
    readonly seq: number,
    readonly highWaterMark: number,
    readonly port: WorkerPort,
    /** The stream's shared credit cells, when the host sent them (else credit comes by message). */
    readonly cells?: Int32Array,
  ) {
    this.credit = highWaterMark;
    this.#frameValues = Math.min(FRAME_VALUES, Math.max(FRAME_MIN, Math.floor(highWaterMark / 4)));
  }

  /**
   * Run the stream task `fn(...args)` to its end here: its RESULTS entry (status and value).
   * `fail` serializes an error the task threw.
   */
  async run(fn: (...args: unknown[]) => unknown, args: unknown[], fail: (error: unknown) => unknown): Promise<{ status: number; value: unknown }> {
    try {
      let value = fn(...args);
      if (isThenable(value)) value = await value;
      const source = sourceOf(value, taskName(fn));
      this.timed = !source.sync;
      const end = await pump(source, this);
      this.flush();
      if (this.failure) return { status: S_ERROR, value: serializeError(this.failure) };
      return end.closed ? { status: S_STREAM_CLOSED, value: undefined } : { status: S_OK, value: end.value };
    } catch (error) {
      this.flush();
      return { status: S_ERROR, value: this.failure ? serializeError(this.failure) : fail(error) };
    }
  }

  emit(value: unknown): void {
    this.#emitted++;
    const frame = this.#frame;
    frame.push(value);
    this.#bytes += weight(value);
    const now = performance.now();
    // The first value of a frame is compared with the value before it: a producer this slow
    // sends each value as it comes (no value waits for the next one).
    const since = frame.length === 2 ? this.#lastEmit : this.#frameStart;
    this.#lastEmit = now;
    if (this.#emitted === 1 || this.#bytes >= FRAME_BYTES || frame.length > this.#frameValues || now - since >= FLUSH_MS) {
      this.flush();
    } else if (frame.length === 2) {
      this.#frameStart = now;
      if (this.timed) this.#timer = setTimeout(this.#flushNow, FLUSH_MS);
    }
  }

  wait(): Promise<void> {
    this.flush();
    if (this.closed || this.credit > 0) return RESOLVED;
    const cells = this.cells;
    if (cells !== undefined) {
      if (this.#readCells(Atomics.load(cells, CREDIT_TAKEN))) return RESOLVED;
      if (this.#block(cells)) return RESOLVED;
    }
    return new Promise((resolve) => (this.#wake = resolve));
  }

  // Credit and close from the shared cells, given the TAKEN cell's value: true if the
  // producer may go on (or must stop).
  #readCells(taken: number): boolean {
    if (Atomics.load(this.cells!, CREDIT_CLOSED) === 1) this.closed = true;
    this.credit = this.highWaterMark + ((taken - this.#emitted) | 0);
    return this.closed || this.credit > 0;
  }

  // Wait on the TAKEN cell for BLOCK_MS at most. If no credit came, park: the host sees it in
  // STATE and sends a message with its next grant (checked once more after parking, for a
  // grant made in between).
  #block(cells: Int32Array): boolean {
    Atomics.store(cells, CREDIT_STATE, PRODUCER_BLOCKED);
    const deadline = performance.now() + BLOCK_MS;
    for (;;) {
      const taken = Atomics.load(cells, CREDIT_TAKEN);
      if (this.#readCells(taken)) break;
      const left = deadline - performance.now();
      if (left <= 0) {
        Atomics.store(cells, CREDIT_STATE, PRODUCER_PARKED);
        if (this.#readCells(Atomics.load(cells, CREDIT_TAKEN))) break;
        return false;
      }
      Atomics.wait(cells, CREDIT_TAKEN, taken, left);
    }
    Atomics.store(cells, CREDIT_STATE, PRODUCER_RUNNING);
    this.#lastEmit = performance.now(); // the wait is not the producer's time
    return true;
  }

  grant(n: number): void {
    this.credit += n;
    this.#resume();
  }

  close(): void {
    this.closed = true;
    this.#resume();
  }

  /** Post the pending frame. A value that cannot be cloned fails the stream at its index. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const frame = this.#frame;
    if (frame.length === 1) return;
    this.#frame = [W_STREAM_VALUES];
    this.#bytes = 0;
    try {
      this.port.post(frame);
      this.#posted += frame.length - 1;
    } catch (error) {
      this.#sendUpToUncloneable(frame, error);
    }
  }

  #sendUpToUncloneable(frame: unknown[], postError: unknown): void {
    let bad = 1;
    let cause: unknown = postError;
    for (; bad < frame.length; bad++) {
      try {
        structuredClone(frame[bad]);
      } catch (error) {
        cause = error;
        break;
      }
    }
    if (bad > 1) {
      try {
        this.port.post(frame.slice(0, bad));
      } catch {
        bad = 1; // cannot happen: each of these values was cloned above
      }
    }
    const index = this.#posted + bad - 1;
    this.#posted += bad - 1;
    this.failure = new TypeError(
      `value #${index} yielded by the stream task could not be sent from the worker (structured clone failed: ${(cause as Error)?.message ?? String(cause)}); yield plain data: no functions, symbols or class instances with methods`,
    );
    (this.failure as TypeError & { index: number }).index = index;
    this.close();
  }

  #resume(): void {
    if (this.cells !== undefined) Atomics.store(this.cells, CREDIT_STATE, PRODUCER_RUNNING);
    this.#lastEmit = performance.now();
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
