import { AsyncPoolExecutor, WorkerPoolExecutor, type AsyncPoolOptions, type Executor, type WorkerPoolOptions } from "@concurrent/futures";

/**
 * `BENCH_SLOW_SUBMIT_US`: a busy wait of that many microseconds added to every submit of our
 * executors (and to every chunk `map` sends). It exists to prove that the CI gate catches a
 * slower executor; a real run leaves it unset.
 */
export function slowSubmitMicros(): number {
  const us = Number(process.env.BENCH_SLOW_SUBMIT_US ?? 0);
  return Number.isFinite(us) && us > 0 ? us : 0;
}

function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // busy: the delay must cost the caller's thread, as a slower submit path would
  }
}

function slowed<E extends Executor>(executor: E): E {
  const us = slowSubmitMicros();
  if (us === 0) return executor;
  const target = executor as unknown as { submit: (...a: unknown[]) => unknown; _submitChunk: (...a: unknown[]) => unknown };
  const submit = target.submit.bind(executor);
  const submitChunk = target._submitChunk.bind(executor);
  target.submit = (...args: unknown[]) => {
    spin(us);
    return submit(...args);
  };
  target._submitChunk = (...args: unknown[]) => {
    spin(us);
    return submitChunk(...args);
  };
  return executor;
}

/** Every suite makes our executors here, so an injected slowdown reaches all of them. */
export function asyncPool(options?: AsyncPoolOptions): AsyncPoolExecutor {
  return slowed(new AsyncPoolExecutor(options));
}

export function workerPool(options?: WorkerPoolOptions): WorkerPoolExecutor {
  return slowed(new WorkerPoolExecutor(options));
}

/** Starts every worker of a pool (they start lazily) and compiles `warm` in each. */
export async function warmPool(pool: WorkerPoolExecutor, workers: number): Promise<void> {
  const sleepers = Array.from({ length: workers * 2 }, () => pool.submit((ms: number) => new Promise((r) => setTimeout(r, ms)), 20));
  await Promise.all(sleepers);
}

/**
 * `shutdown()` with a time limit: a shutdown that does not finish is reported (stderr) and the
 * run goes on. Seen on Bun: a pool's `await shutdown()` that never settled while nothing else
 * held the event loop, so the process exited mid-run with status 0 (the CLI now holds the loop
 * open while suites run).
 */
export async function shutdownWithin(executor: Executor, ms = 10_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
  const outcome = await Promise.race([executor.shutdown(), late]);
  clearTimeout(timer);
  if (outcome === "late") process.stderr.write(`warning: ${executor.constructor.name}.shutdown() did not finish within ${ms} ms\n`);
}
