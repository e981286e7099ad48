// Streaming tasks through Redis (SPEC "Streaming tasks"). Per stream job J, two keys beside
// the job's hash:
//
//   <job key>:sv  a LIST of frames, each the JSON `{ i, v }`: values i, i+1, … (codec-encoded).
//                 The QueueWorker RPUSHes, the QueueExecutor LPOPs.
//   <job key>:sc  a HASH the executor writes: `taken` (values its consumer has taken) and
//                 `closed` (stop). The worker reads it with every frame it pushes.
//
// Back-pressure: the worker writes value k only while k < taken + window (window ≤
// highWaterMark, see runStreamJob), else it waits (polling `sc`), so the list and the
// executor's buffer hold at most highWaterMark values beyond what the consumer took,
// whatever the consumer does.
// At-least-once: a job run again after a stall starts from value 0; the worker skips the
// values below `taken` without writing them, the executor drops any other value whose index
// it already has. Every write renews both keys' expiry, and the executor renews `sc` while it
// waits: a stream whose executor died expires, and its worker, finding `sc` gone, stops.
// The job's return value is `{ n, r }` (values in all, the encoded return value) or
// `{ n, c: 1 }` (closed early).
import type { Redis } from "ioredis";
import { CancelledError, type Executor, type StreamBuffer, type Task } from "@concurrent/core";
import { decode, encode, type Json } from "./codec.js";

let TTL_MS = 60_000;

/** @internal For tests: how long stream keys live without being renewed. */
export function _setStreamTtl(ms: number): void {
  TTL_MS = ms;
}

export interface StreamKeys {
  values: string;
  control: string;
}

export function streamKeys(jobKey: string): StreamKeys {
  return { values: `${jobKey}:sv`, control: `${jobKey}:sc` };
}

export type StreamEnd = { n: number; r: Json } | { n: number; c: 1 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- the executor's side -----------------------------------------------------------------

/** The outcome a reader reports once the stream is over and its values are all read. */
export type StreamOutcome = { ok: true; value: unknown } | { ok: false; error: unknown } | { closed: true };

/** Reads one stream's frames into its consumer's buffer, and writes back what was taken. */
export class StreamReader {
  buffer!: StreamBuffer<unknown, unknown>;
  /** Called when values arrive while the future is still pending: its job is surely running. */
  onValues: () => void = () => {};
  #received = 0;
  #taken = 0;
  #end: StreamEnd | { error: unknown } | undefined = undefined;
  #wake: (() => void) | undefined = undefined;

  constructor(
    readonly client: Redis,
    readonly keys: StreamKeys,
    /** Called once, when the stream is over and every value it sent was read. */
    readonly settle: (outcome: StreamOutcome) => void,
  ) {}

  /** Written before the job is added: a worker that finds no `sc` takes the consumer for gone. */
  open(): Promise<unknown> {
    return this.client.multi().hset(this.keys.control, "taken", 0).pexpire(this.keys.control, TTL_MS).exec();
  }

  grant(n: number): void {
    this.#taken += n;
    void this.client.multi().hset(this.keys.control, "taken", this.#taken).pexpire(this.keys.control, TTL_MS).exec().catch(() => {});
  }

  /** Stop the producer; `aborted`: by the stream's signal (its task's currentSignal() aborts), not by the consumer leaving. */
  close(aborted = false): void {
    void this.client.multi().hset(this.keys.control, "closed", aborted ? 2 : 1).pexpire(this.keys.control, TTL_MS).exec().catch(() => {});
  }

  /** The job ended (completed or failed): read what is left, then settle. */
  ended(end: StreamEnd | { error: unknown }): void {
    this.#end ??= end;
    this.#resume();
  }

  async run(): Promise<void> {
    let idle = 0;
    let renewed = performance.now();
    try {
      while (!this.buffer.future.done()) {
        const end = this.#end;
        const frames = (await this.client.lpop(this.keys.values, 256)) as string[] | null;
        if (frames && frames.length > 0) {
          idle = 0;
          for (const frame of frames) this.#read(frame);
          continue;
        }
        if (end !== undefined) {
          this.#finish(end);
          return;
        }
        if (performance.now() - renewed > TTL_MS / 3) {
          renewed = performance.now();
          void this.client.pexpire(this.keys.control, TTL_MS).catch(() => {});
        }
        idle = Math.min(25, idle === 0 ? 1 : idle * 2);
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, idle);
        });
        this.#wake = undefined;
      }
    } catch (error) {
      if (!this.buffer.future.done()) this.settle({ ok: false, error });
    } finally {
      void this.client.del(this.keys.values, this.keys.control).catch(() => {});
    }
  }

  #read(frame: string): void {
    const { i, v } = JSON.parse(frame) as { i: number; v: Json[] };
    // Values can come before BullMQ's `active` event does: the stream is running, and
    // shutdown's cancelFutures must not cancel it.
    if (this.buffer.future.state === "pending") this.onValues();
    for (let k = 0; k < v.length; k++) {
      // A run after a stall sends again what an earlier run sent: keep each index once.
      if (i + k < this.#received) continue;
      if (i + k > this.#received) throw new Error(`stream values ${this.#received}..${i + k - 1} were lost (their keys expired?)`);
      this.#received++;
      this.buffer.push(decode(v[k]!));
    }
  }

  #finish(end: StreamEnd | { error: unknown }): void {
    if ("error" in end) this.settle({ ok: false, error: end.error });
    else if ("c" in end) this.settle({ closed: true });
    else if (this.#received < end.n && !this.buffer.closing) {
      this.settle({ ok: false, error: new Error(`the stream ended after ${end.n} values but ${this.#received} arrived (their keys expired?)`) });
    } else this.settle({ ok: true, value: decode(end.r) });
  }

  #resume(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

// ---- the worker's side -------------------------------------------------------------------

// A frame leaves when its first value is this old, when it is this large (JSON characters)
// or holds this many values, and whenever the producer must wait for credit.
const FLUSH_MS = 2;
const FRAME_CHARS = 64 * 1024;
const FRAME_VALUES = 512;

/**
 * Runs a stream job on a QueueWorker: the task streams in `pool` (with the same
 * highWaterMark), and its values go to Redis in frames, within the consumer's credit.
 */
export async function runStreamJob(
  client: Redis,
  keys: StreamKeys,
  pool: Executor,
  fn: Task<unknown[], unknown>,
  args: unknown[],
  highWaterMark: number,
  /** submitWith's run-time timeout and grace, applied by the pool. */
  limits: { timeout?: number; grace?: number } = {},
  /**
   * The stream's signal here: aborted by a message from the producer (abort.ts), or here when
   * the control hash says the stream was closed by its signal (`closed` 2), whichever comes
   * first; the task hears it through currentSignal().
   */
  controller: AbortController = new AbortController(),
): Promise<StreamEnd> {
  let taken = 0;
  let closed = false;
  const readControl = (reply: (string | null)[]) => {
    if (reply[0] === null) throw new CancelledError("the stream's consumer is gone (its keys expired): the stream stops");
    taken = Math.max(taken, Number(reply[0]));
    closed = reply[1] !== null;
    if (reply[1] === "2" && !controller.signal.aborted) controller.abort(new CancelledError("the stream's signal aborted"));
  };
  readControl(await client.hmget(keys.control, "taken", "closed"));
  // The window is split between the pool's stream (values made, not yet taken from the pool
  // thread) and Redis (values sent, not yet taken by the consumer), so the task runs at most
  // highWaterMark values ahead in all (highWaterMark + 1 when it is 1: each part needs one).
  const local = Math.ceil(highWaterMark / 2);
  const window = Math.max(1, highWaterMark - local);
  const values = pool.streamWith({ ...limits, highWaterMark: local, signal: controller.signal }, fn as Task<unknown[], Iterable<unknown>>, ...args);
  // A task stopped in the pool (its run-time timeout) must not wait for credit that a consumer
  // which stopped taking never gives: its values and error then go on without it.
  let stopped = false;
  values.future.then(undefined, () => (stopped = true));
  let frame: Json[] = [];
  let first = 0;
  let chars = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pushing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (frame.length === 0) return pushing;
    const body = JSON.stringify({ i: first, v: frame });
    frame = [];
    chars = 0;
    pushing = pushing.then(async () => {
      const replies = await client.multi().rpush(keys.values, body).pexpire(keys.values, TTL_MS).hmget(keys.control, "taken", "closed").exec();
      const [error, reply] = replies?.[2] ?? [new Error("no reply from Redis")];
      if (error) throw error;
      readControl(reply as (string | null)[]);
    });
    pushing.catch((error: unknown) => (failure ??= error));
    return pushing;
  };
  let index = 0;
  try {
    for await (const value of values) {
      if (index >= taken) {
        let encoded: Json;
        try {
          encoded = encode(value);
        } catch (error) {
          throw Object.assign(new TypeError(`value #${index} yielded by the stream task cannot be sent: ${(error as Error).message}`, { cause: error }), { index });
        }
        if (frame.length === 0) {
          first = index;
          timer = setTimeout(() => void flush(), FLUSH_MS);
        }
        frame.push(encoded);
        chars += JSON.stringify(encoded).length;
        if (chars >= FRAME_CHARS || frame.length >= FRAME_VALUES) await flush();
      }
      index++;
      // Out of credit: send what is pending, then wait for the consumer to take more.
      for (let wait = 1; index >= taken + window && !closed && failure === undefined && !stopped; wait = Math.min(25, wait * 2)) {
        await flush();
        if (index < taken + window || closed) break;
        await sleep(wait);
        readControl(await client.hmget(keys.control, "taken", "closed"));
      }
      if (failure !== undefined) throw failure;
      if (closed) break; // for-await's return() closes the task in its pool worker
    }
    await flush();
    if (failure !== undefined) throw failure;
  } catch (error) {
    // The values yielded before the error go first.
    await flush().catch(() => {});
    throw error;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  if (closed) {
    await values.future.then(
      () => undefined,
      () => undefined,
    );
    return { n: index, c: 1 };
  }
  return { n: index, r: encode(await values.future) };
}
