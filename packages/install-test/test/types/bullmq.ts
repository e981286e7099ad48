// Type tests against the installed @concurrent/bullmq .d.ts: its executor is an Executor
// whose futures are core Futures, typed as everywhere else.
import { QueueExecutor, QueueWorker } from "@concurrent/bullmq";
import { Executor, Future, taskModule } from "@concurrent/futures";
import { type Equal, expectTrue } from "./expect.js";

const tasks = taskModule<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url));

export async function queue(): Promise<void> {
  await using ex = new QueueExecutor({ connection: "redis://127.0.0.1:6379", queue: "jobs" });
  const e: Executor = ex;
  void e;
  const f = ex.submit(tasks.fib, 30);
  const asFuture: Future<number> = f;
  void asFuture;
  expectTrue<Equal<Awaited<typeof f>, number>>();
  const g = ex.submit((n: number) => n * n, 7);
  expectTrue<Equal<Awaited<typeof g>, number>>();
  // @ts-expect-error a string where the export takes a number
  ex.submit(tasks.fib, "30");
  for await (const r of ex.map(tasks.label, [1, 2], { chunksize: 100 })) expectTrue<Equal<typeof r, string>>();
  const worker = new QueueWorker({ connection: "redis://127.0.0.1:6379", queue: "jobs", maxWorkers: 4 });
  await worker.close();
}
