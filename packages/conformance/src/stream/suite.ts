// The "Streaming tasks" section of SPEC.md (issue 17) as a suite every executor runs:
// AsyncPoolExecutor, WorkerPoolExecutor and QueueExecutor (against a real Redis). Each test
// names the sentence it checks. Tasks are self-contained and write to shared cells, passed by
// reference or by name as in the executor suite (see ../executor/suite.ts).
import type { Executor } from "@concurrent/core";
import type { SuiteExecutorOptions } from "../executor/tasks.js";
import { flowCases } from "./flow.js";
import { limitCases } from "./limits.js";
import { streamCells, type StreamCells, type StreamContext, type StreamSuiteCaps } from "./tasks.js";
import { valueCases } from "./values.js";

export type { StreamSuiteCaps } from "./tasks.js";
export type { SuiteExecutorOptions } from "../executor/tasks.js";

export function streamSuite(name: string, make: (options?: SuiteExecutorOptions) => Executor, caps: StreamSuiteCaps = {}): void {
  const byName = caps.sharedMemory === false;
  async function using(maxWorkers: number, body: (ex: Executor) => Promise<void>, gates: StreamCells[] = []): Promise<void> {
    const ex = make({ maxWorkers });
    try {
      await body(ex);
    } finally {
      for (const g of gates) g.open();
      await ex.shutdown({ cancelFutures: true });
    }
  }
  const context: StreamContext = { name, make, caps, shared: () => streamCells(byName), using };
  valueCases(context);
  flowCases(context);
  limitCases(context);
}
