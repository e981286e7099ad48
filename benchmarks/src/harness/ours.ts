import { AsyncPoolExecutor, WorkerPoolExecutor, type AsyncPoolOptions, type Executor, type WorkerPoolOptions } from "@concurrent/futures";
import { slowed } from "./slowdown.js";

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
