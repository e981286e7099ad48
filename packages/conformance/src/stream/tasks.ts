// What every part of the stream suite shares: its capability flags, the shared cells stream
// tasks write to, the self-contained stream tasks, and small helpers (see suite.ts).
//
// Cells (a SharedArrayBuffer, or the name of one on globalThis — see executor/tasks.ts):
// a[0] = how many values the task has made, a[1] = its finally block ran, a[2] = it started,
// a[3] = a gate the consumer opens, a[4] = a phase.
import assert from "node:assert/strict";
import { CancelledError, currentSignal, type Executor, type TaskStream } from "@concurrent/core";
import { cells, type Cells, type SuiteCaps, type SuiteExecutorOptions } from "../executor/tasks.js";

export interface StreamSuiteCaps extends Pick<SuiteCaps, "sharedMemory"> {
  /**
   * Why a task cannot kill the worker it runs on without ending this process (it runs on
   * the caller's thread): the worker-death case is skipped with this reason.
   * @default undefined: a task that calls process.exit() kills its worker only
   */
  readonly noWorkerToKill?: string;
  /**
   * Why yielded values are not copied (so every value can be delivered): the
   * uncloneable-value case is skipped with this reason. @default undefined: they are
   */
  readonly valuesNotCopied?: string;
  /**
   * With `highWaterMark: 1` the task may run this many values further ahead, for the reason
   * given (issue 17 allows "highWaterMark + one frame"). @default undefined: none
   */
  readonly highWaterMarkOneSlack?: { readonly values: number; readonly reason: string };
}

/** Cells a stream task writes to, and what the test reads from them. */
export function streamCells(byName: boolean) {
  const { ref, a } = cells(8 * 4, byName);
  return {
    ref,
    yielded: () => Atomics.load(a, 0),
    finallyRan: () => Atomics.load(a, 1) === 1,
    started: () => Atomics.load(a, 2) === 1,
    phase: () => Atomics.load(a, 4),
    open: () => void Atomics.store(a, 3, 1),
  };
}
export type StreamCells = ReturnType<typeof streamCells>;

// ---- tasks (self-contained: arguments and globals only) --------------------------------

export function* count(n: number) {
  for (let i = 0; i < n; i++) yield i;
  return "end";
}
export async function* countAsync(n: number) {
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    yield i;
  }
  return n;
}
export const arrayOf = (n: number) => Array.from({ length: n }, (_, i) => i);
export const asyncIterableOf = (n: number) => ({
  async *[Symbol.asyncIterator]() {
    for (let i = 0; i < n; i++) yield i;
  },
});
export const laterArray = async (n: number) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return Array.from({ length: n }, (_, i) => i);
};
/** Counts in a[0] how many values it has made (the store comes before the yield). */
export function* counted(sab: Cells, n: number) {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  for (let i = 0; i < n; i++) {
    Atomics.store(a, 0, i + 1);
    yield i;
  }
}
/** Endless; marks that it started and, in finally, that return() ran. */
export async function* endless(sab: Cells) {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 2, 1);
  try {
    for (let i = 0; ; i++) {
      Atomics.store(a, 0, i + 1);
      yield i;
      if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    Atomics.store(a, 1, 1);
  }
}
/** Yields "first", waits for the consumer to open the gate, yields "second", returns "done". */
export async function* gatedPair(sab: Cells) {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 2, 1);
  try {
    yield "first";
    while (Atomics.load(a, 3) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    yield "second";
    return "done";
  } finally {
    Atomics.store(a, 1, 1);
  }
}
/** Yields, sleeps 500 ms (a[4]: 1 while asleep, 2 after), yields again. */
export async function* yieldSleepYield(sab: Cells) {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  yield "before";
  Atomics.store(a, 4, 1);
  await new Promise((resolve) => setTimeout(resolve, 500));
  Atomics.store(a, 4, 2);
  yield "after";
}
/** Yields until its call's signal aborts; in finally notes (a[4] = 1) that it saw the abort. */
export async function* untilSignalled(sab: Cells) {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  const signal = currentSignal();
  try {
    for (let i = 0; !signal.aborted; i++) {
      yield i;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    if (signal.aborted) Atomics.store(a, 4, 1);
    Atomics.store(a, 1, 1);
  }
}
/** Yields 0, 1, 2; once the gate opens, ends the process it runs in (its worker). */
export async function* diesAfterThree(sab: Cells) {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  yield 0;
  yield 1;
  yield 2;
  while (Atomics.load(a, 3) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  process.exit(9);
}
export function* failsAt(n: number) {
  for (let i = 0; i < n; i++) yield i;
  throw Object.assign(new RangeError(`failed after ${n} values`), { code: "E_STREAM_TASK" });
}
/** Yields 0..n-1, then a function (which no structured clone carries), then n + 1. */
export function* yieldsFunctionAt(n: number) {
  for (let i = 0; i < n; i++) yield i;
  yield () => "a function cannot be cloned";
  yield n + 1;
}
export function notIterable(n: number) {
  return n * 2;
}
/** A random id, fixed for the life of the thread (worker) that runs it. */
export const threadTag = (): number => ((globalThis as { __suiteTag?: number }).__suiteTag ??= Math.random());

// ---- helpers ---------------------------------------------------------------------------

/** The error a promise rejects with (a guard turns a lost settle into a failure). */
export async function rejection(p: PromiseLike<unknown>, guardMs = 20_000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`did not settle within ${guardMs} ms`)), guardMs)));
  try {
    await Promise.race([p, guard]);
  } catch (error) {
    if (error instanceof Error && /did not settle within/.test(error.message)) throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
  assert.fail("expected a rejection");
}

/** The next `n` values of a stream (each must be there). */
export async function take<T>(stream: TaskStream<T, unknown>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const r = await stream.next();
    assert.equal(r.done, false, `value ${i} missing`);
    out.push(r.value as T);
  }
  return out;
}

/** The values a stream yields, and the error its next() throws (undefined if it ends). */
export async function valuesAndError<T>(stream: AsyncIterable<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const v of stream) values.push(v);
  } catch (error) {
    return { values, error };
  }
  return { values, error: undefined };
}

export const isCancelled = (e: unknown) => e instanceof CancelledError && e.code === "ERR_CANCELLED";

/** What each part of the stream suite gets from streamSuite(). */
export interface StreamContext {
  readonly name: string;
  readonly make: (options?: SuiteExecutorOptions) => Executor;
  readonly caps: StreamSuiteCaps;
  /** Fresh cells for a stream task. */
  readonly shared: () => StreamCells;
  /** Run body with a fresh executor of `maxWorkers`; open `gates` then shut it down (cancelling what is left). */
  readonly using: (maxWorkers: number, body: (ex: Executor) => Promise<void>, gates?: StreamCells[]) => Promise<void>;
}
