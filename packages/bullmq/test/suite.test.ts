// QueueExecutor runs the same executor conformance suite as AsyncPoolExecutor and
// WorkerPoolExecutor, against a real redis-server, each executor with an in-process
// QueueWorker on its own queue (see suiteExecutors in helpers.ts).
import { test } from "node:test";
import { executorSuite } from "@concurrent/conformance/executor";
import { redis, stopRedis, suiteExecutors } from "./helpers.js";

const executors = suiteExecutors((await redis()).url);

executorSuite("QueueExecutor", executors.make, {
  sharedMemory: false,
  statsLimit: {
    value: Infinity,
    reason: "a producer caps nothing in flight (its QueueWorkers' concurrency does), so its current in-flight limit is Infinity, which JSON cannot carry",
  },
  noMaxWorkersOption: "QueueExecutor has no maxWorkers: how many calls run at once is set on its QueueWorkers (maxWorkers, concurrency)",
});

test("cleanup: every worker closed, this file's redis-server stops", async () => {
  await executors.closeAll();
  await stopRedis();
});
