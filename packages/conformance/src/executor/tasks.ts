// What every part of the executor suite shares: its options and capability flags, the
// shared cells tasks write to, the self-contained task functions, and the context each part
// of the suite gets (see suite.ts).
import {
  FuturesError,
  currentSignal,
  type Executor,
} from "@concurrent/core";

export interface SuiteExecutorOptions {
  maxWorkers?: number;
  initializer?: (...args: never[]) => unknown;
  initArgs?: unknown[];
}

/**
 * Where an executor legitimately differs from the contract, it says so here; each flag
 * names what the suite then does instead (assert the executor's own behaviour, or skip the
 * case with the reason given). Nothing is skipped silently.
 */
export interface SuiteCaps {
  /** The default `stats().limit` (a test of its own). */
  readonly defaultMaxWorkers?: number;
  /**
   * Arguments share a SharedArrayBuffer with the task. `false`: they cross as data; the
   * suite passes its cells by name (a global), so the harness must run tasks in this process.
   * @default true
   */
  readonly sharedMemory?: boolean;
  /**
   * Why `maxWorkers` is not the executor's own option (the bad-maxWorkers case is skipped
   * with this reason). @default undefined: it is
   */
  readonly noMaxWorkersOption?: string;
  /**
   * Why a running call is not told to stop when its signal aborts or its run-time timeout
   * passes (its future still rejects at once; the currentSignal() cases are skipped with
   * this reason). @default undefined: it is
   */
  readonly noStopOfRunningCalls?: string;
  /**
   * `stats().limit` is not `maxWorkers` but this fixed number, for the reason given. When it
   * is not finite (JSON has no Infinity), the plain-object check covers every other field and
   * asserts `limit` is exactly this number. @default undefined: `limit` is `maxWorkers`
   */
  readonly statsLimit?: { readonly value: number; readonly reason: string };
}

/** Cells a task writes to: a SharedArrayBuffer, or the name of one on globalThis. */
export type Cells = SharedArrayBuffer | string;

let named = 0;
/** `bytes` of shared cells, passed to a task by reference or, `byName`, by a global's name. */
export function cells(bytes: number, byName: boolean): { ref: Cells; a: Int32Array } {
  const sab = new SharedArrayBuffer(bytes);
  if (!byName) return { ref: sab, a: new Int32Array(sab) };
  const ref = `__concurrentSuiteCells${named++}`;
  (globalThis as Record<string, unknown>)[ref] = sab;
  return { ref, a: new Int32Array(sab) };
}

// ---- shared-memory gate: a[0] = gate (0 closed, 1 open), a[1] = started count,
//      a[2] = running now, a[3] = max running, a[FLAGS + i] = call i started ----------
export const FLAGS = 8;
export const SLOTS = FLAGS + 256;

export function makeGate(byName: boolean): { sab: Cells; a: Int32Array; open(): void; started(): number; flag(i: number): number } {
  const { ref: sab, a } = cells(SLOTS * 4, byName);
  return { sab, a, open: () => void Atomics.store(a, 0, 1), started: () => Atomics.load(a, 1), flag: (i) => Atomics.load(a, FLAGS + i) };
}

// Tasks (self-contained). `gated` marks call i started, counts concurrency, waits for the gate.
export const gated = async (sab: Cells, i: number): Promise<number> => {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 8 + i, 1);
  Atomics.add(a, 1, 1);
  const now = Atomics.add(a, 2, 1) + 1;
  for (let max = Atomics.load(a, 3); now > max; max = Atomics.load(a, 3)) Atomics.compareExchange(a, 3, max, now);
  while (Atomics.load(a, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  Atomics.sub(a, 2, 1);
  return i;
};
export const gatedItem = (item: [Cells, number]): Promise<number> => {
  const [sab, i] = item;
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 8 + i, 1);
  Atomics.add(a, 1, 1);
  return (async () => {
    while (Atomics.load(a, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    return i;
  })();
};
export const markItem = (item: [Cells, number]): number => {
  const a = new Int32Array(typeof item[0] === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[item[0]]! : item[0]);
  Atomics.store(a, 8 + item[1], 1);
  Atomics.add(a, 1, 1);
  return item[1];
};
export const slowMark = async (item: [Cells, number]): Promise<number> => {
  const a = new Int32Array(typeof item[0] === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[item[0]]! : item[0]);
  Atomics.store(a, 8 + item[1], 1);
  Atomics.add(a, 1, 1);
  await new Promise((resolve) => setTimeout(resolve, 1));
  return item[1];
};
export const pow = (x: number, y: number) => x ** y;
export const mul = (x: number, y: number) => x * y;
export const double = (x: number) => x * 2;
export const sleepThen = async (ms: number, value: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
};
export const inverse = (x: number) => {
  if (x === 0) throw new RangeError("division by zero");
  return 1 / x;
};
export const fail = (message: string) => {
  throw new RangeError(message);
};

// Cancellation tasks (self-contained: on a worker pool `currentSignal` is the worker's, by
// name). `honour` raises a[1] when it starts, loops on small awaits until its signal
// aborts, then cleans up: a[2] = 1, a[3] = 1 if the signal's reason is an Error with the
// code it expects (so the task saw the same reason as its caller). It returns a value,
// which its aborted future must NOT take.
export const honour = async (sab: Cells, code: string): Promise<string> => {
  const a = new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab);
  Atomics.store(a, 1, 1);
  const signal = currentSignal();
  while (!currentSignal().aborted) await new Promise((resolve) => setTimeout(resolve, 2));
  // The same signal after the awaits, and its reason is the caller's.
  if (currentSignal() === signal && (signal.reason as { code?: unknown })?.code === code) Atomics.store(a, 3, 1);
  Atomics.store(a, 2, 1);
  return "cleaned up";
};
/** A random id, fixed for the life of the thread (worker) that runs it. */
export const threadTag = (): number => ((globalThis as { __suiteTag?: number }).__suiteTag ??= Math.random());
/** Raises a[0] and returns what it was given; to see whether a call ran. */
export const markRan = (sab: Cells, value: string): string => {
  Atomics.store(new Int32Array(typeof sab === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[sab]! : sab), 0, 1);
  return value;
};

export const isCode = (code: string) => (e: unknown) => e instanceof FuturesError && e.code === code;
export const badArg = (type: typeof TypeError | typeof RangeError, mentions: RegExp) => (e: unknown) =>
  e instanceof type && mentions.test((e as Error).message);

export async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** What each part of the suite gets from executorSuite(). */
export interface SuiteContext {
  readonly name: string;
  readonly make: (options?: SuiteExecutorOptions) => Executor;
  readonly caps: SuiteCaps;
  /** Tasks get their cells by a global's name (caps.sharedMemory false). */
  readonly byName: boolean;
  readonly gate: () => ReturnType<typeof makeGate>;
  /** Run body with a fresh executor; always shut it down (cancelling what is left). */
  readonly using: (options: SuiteExecutorOptions | undefined, body: (ex: Executor) => Promise<void>, gates?: { open(): void }[]) => Promise<void>;
}
