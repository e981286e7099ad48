// Small helpers for worker-pool tests: the module tasks and a pool that always goes away,
// shared-memory flags, settling futures (sleep and until: @concurrent/testkit/helpers).
import { WorkerPoolExecutor, taskModule, type Future, type WorkerPoolOptions } from "@concurrent/futures";
import { until } from "@concurrent/testkit/helpers";

/** The module tasks of test/fixtures/tasks.ts, by URL. */
export const tasksUrl = new URL("../fixtures/tasks.js", import.meta.url);
export const tasks = taskModule<typeof import("../fixtures/tasks.js")>(tasksUrl);

/** Run `body` with a fresh pool, then terminate its workers whatever happened. */
export async function withPool(options: WorkerPoolOptions, body: (pool: WorkerPoolExecutor) => Promise<void>): Promise<void> {
  const pool = new WorkerPoolExecutor(options);
  try {
    await body(pool);
  } finally {
    // terminateWorkers, not shutdown: a failed assertion may leave a task running forever.
    await pool.terminateWorkers();
  }
}

/**
 * The flag of a `tasks.spin` call: `started()` once it runs; `release()` lets it return (see
 * spin in fixtures/tasks.ts: on Deno a terminated worker's busy loop runs on until released).
 */
export function spinFlag(): { sab: SharedArrayBuffer; started(): Promise<void>; release(): void } {
  const flag = flags(2);
  return { sab: flag.sab, started: () => flag.started(0), release: () => void Atomics.store(new Int32Array(flag.sab), 1, 1) };
}

/** A shared flag a task raises (`Atomics.store(new Int32Array(sab), i, 1)`) so the host knows it started. */
export function flags(n = 8): { sab: SharedArrayBuffer; get(i: number): number; started(i?: number): Promise<void> } {
  const sab = new SharedArrayBuffer(n * 4);
  const a = new Int32Array(sab);
  return {
    sab,
    get: (i) => Atomics.load(a, i),
    started: (i = 0) => until(() => Atomics.load(a, i) !== 0, `task ${i} to start`),
  };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The outcome of a future (or promise), never rejecting; fails after `boundMs` so a lost future cannot hang the run. */
export function outcome<T>(f: PromiseLike<T>, boundMs = 30_000): Promise<Outcome<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a future did not settle within ${boundMs} ms`)), boundMs);
    Promise.resolve(f).then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, error });
      },
    );
  });
}

/** The error a future rejected with; throws if it succeeded. */
export async function errorOf(f: PromiseLike<unknown>): Promise<Error & Record<string, unknown>> {
  const o = await outcome(f);
  if (o.ok) throw new Error(`expected a rejection, got ${JSON.stringify(o.value)}`);
  return o.error as Error & Record<string, unknown>;
}

/** Waits for every future, bounded; returns their outcomes in order. */
export function outcomes(fs: readonly Future<unknown>[]): Promise<Outcome<unknown>[]> {
  return Promise.all(fs.map((f) => outcome(f)));
}
