// QueueExecutor runs the same executor conformance suite as AsyncPoolExecutor and
// WorkerPoolExecutor, against a real redis-server. Each executor the suite makes gets its
// own queue and one in-process QueueWorker on it, whose tasks run on an AsyncPoolExecutor
// in this thread: `maxWorkers`, `initializer` and `initArgs` are that worker's (a
// QueueExecutor has none of its own), and its BullMQ concurrency is `maxWorkers`, so a job
// is active exactly while its task runs.
import { test } from "node:test";
import { AsyncPoolExecutor } from "@concurrent/futures";
import { QueueExecutor, QueueWorker } from "@concurrent/bullmq";
import { executorSuite, type SuiteExecutorOptions } from "@concurrent/conformance/executor";
import { queueName, redis, stopRedis } from "./helpers.js";

const { url } = await redis();
const workers = new Set<QueueWorker>();

function make(options: SuiteExecutorOptions = {}): QueueExecutor {
  const { maxWorkers = 4, initializer, initArgs, ...own } = options;
  // Validated first, so that a rejected option leaves nothing running.
  const pool = new AsyncPoolExecutor({ maxWorkers, ...(initializer ? { initializer } : {}), ...(initArgs ? { initArgs } : {}) });
  const queue = queueName("suite");
  const ex = new QueueExecutor({ connection: url, queue, ...own });
  const worker = new QueueWorker({ connection: url, queue, pool, concurrency: maxWorkers });
  workers.add(worker);
  // The executor's shutdown also closes its worker, once the executor's own calls are done.
  const shutdown = ex.shutdown.bind(ex);
  let closed: Promise<void> | undefined;
  ex.shutdown = async (opts) => {
    await shutdown(opts);
    closed ??= (async () => {
      await shutdown({ wait: true });
      await worker.close();
      await pool.shutdown();
      workers.delete(worker);
    })();
    if (opts?.wait !== false) await closed;
  };
  return ex;
}

executorSuite("QueueExecutor", make, {
  sharedMemory: false,
  statsLimit: {
    value: Infinity,
    reason: "a producer caps nothing in flight (its QueueWorkers' concurrency does), so its current in-flight limit is Infinity, which JSON cannot carry",
  },
  noMaxWorkersOption: "QueueExecutor has no maxWorkers: how many calls run at once is set on its QueueWorkers (maxWorkers, concurrency)",
});

test("cleanup: every worker closed, this file's redis-server stops", async () => {
  for (const worker of workers) await worker.close();
  await stopRedis();
});
