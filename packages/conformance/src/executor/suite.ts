// The conformance suite every executor passes: submit, map, asCompleted, wait, cancel,
// shutdown, stats — ported from CPython's Lib/test/test_concurrent_futures (executor.py,
// test_as_completed.py, test_wait.py, test_shutdown.py, test_thread_pool.py) plus the
// sentences of SPEC.md where it differs from Python on purpose. AsyncPoolExecutor,
// WorkerPoolExecutor and QueueExecutor (against a real Redis) all run it.
//
// Every task function here is SELF-CONTAINED (arguments and globals only): on a worker
// pool it is sent by source text and runs in another isolate. To observe what a task did,
// it writes to shared cells passed as an argument (the gate/flags layout below): a
// SharedArrayBuffer, or — for an executor whose arguments cannot share memory (a queue:
// they cross Redis as data) — the name of one on globalThis, which works because that
// executor's test harness runs its tasks in this process.
import type { Executor } from "@concurrent/core";
import { makeGate, type SuiteCaps, type SuiteContext, type SuiteExecutorOptions } from "./tasks.js";
import { callCases } from "./calls.js";
import { mapCases } from "./map.js";
import { shutdownCases } from "./shutdown.js";
import { submitWithCases } from "./submit-with.js";

export type { SuiteCaps, SuiteExecutorOptions } from "./tasks.js";

export function executorSuite(name: string, make: (options?: SuiteExecutorOptions) => Executor, caps: SuiteCaps = {}): void {
  const byName = caps.sharedMemory === false;
  const gate = () => makeGate(byName);
  /** Run body with a fresh executor; always shut it down (cancelling what is left). */
  async function using(options: SuiteExecutorOptions | undefined, body: (ex: Executor) => Promise<void>, gates: { open(): void }[] = []): Promise<void> {
    const ex = make(options);
    try {
      await body(ex);
    } finally {
      for (const g of gates) g.open();
      await ex.shutdown({ cancelFutures: true });
    }
  }

  const context: SuiteContext = { name, make, caps, byName, gate, using };
  callCases(context);
  mapCases(context);
  shutdownCases(context);
  submitWithCases(context);
}
