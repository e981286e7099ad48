// The worker side of a stream (see OP_STREAM in protocol.ts): yielded values are gathered
// into frames so that small values travel many to a message, and no value waits long.
import { W_STREAM_VALUES } from "../protocol.js";
import type { ProducerSink } from "../stream/produce.js";
import type { WorkerPort } from "./port.js";

// A frame leaves when its first value is this old (checked at each value, and by a timer
// for a task that is awaiting something), ...
const FLUSH_MS = 1;
// ... when it holds about this many bytes (a large value is not held back), ...
const FRAME_BYTES = 64 * 1024;
// ... or this many values; and always before the producer pauses for credit or ends.
const FRAME_VALUES = 4096;

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
  /** Set when a value could not be sent: the stream fails with it. */
  failure: TypeError | undefined = undefined;
  #frame: unknown[] = [W_STREAM_VALUES];
  #bytes = 0;
  #frameStart = 0;
  /** Values posted so far (the index of the next frame's first value). */
  #posted = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #wake: (() => void) | undefined = undefined;
  readonly #flushNow = () => {
    this.#timer = undefined;
    this.flush();
  };

  constructor(
    /** The call's place in this worker's sequence: credit and close messages name it. */
    readonly seq: number,
    highWaterMark: number,
    readonly port: WorkerPort,
  ) {
    this.credit = highWaterMark;
  }

  emit(value: unknown): void {
    const frame = this.#frame;
    frame.push(value);
    this.#bytes += weight(value);
    const now = performance.now();
    if (frame.length === 2) {
      this.#frameStart = now;
      this.#timer = setTimeout(this.#flushNow, FLUSH_MS);
    }
    if (this.#bytes >= FRAME_BYTES || frame.length > FRAME_VALUES || now - this.#frameStart >= FLUSH_MS) this.flush();
  }

  wait(): Promise<void> {
    this.flush();
    if (this.closed || this.credit > 0) return Promise.resolve();
    return new Promise((resolve) => (this.#wake = resolve));
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
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
