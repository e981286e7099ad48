// QueueExecutor runs the conformance stream suite (SPEC "Streaming tasks", issue 17), as
// AsyncPoolExecutor and WorkerPoolExecutor do, against a real redis-server: the values cross
// Redis, each executor with an in-process QueueWorker on its own queue (see suiteExecutors in
// helpers.ts). What only a queue shows (a worker process SIGKILLed mid-stream, the stream's
// Redis keys) is in stream.test.ts.
import { test } from "node:test";
import { streamSuite } from "@concurrent/conformance/stream";
import { redis, stopRedis, suiteExecutors } from "./helpers.js";

const executors = suiteExecutors((await redis()).url);

streamSuite("QueueExecutor", executors.make, {
  sharedMemory: false,
  noWorkerToKill:
    "the suite's QueueWorker runs tasks in this process; a queue worker process that dies is a stall and its stream runs again (stream.test.ts SIGKILLs a concurrent-worker mid-stream)",
  highWaterMarkOneSlack: {
    values: 1,
    reason: "the window is split between the worker's pool stream and Redis, and each part holds at least one value",
  },
});

test("cleanup: every worker closed, this file's redis-server stops", async () => {
  await executors.closeAll();
  await stopRedis();
});
