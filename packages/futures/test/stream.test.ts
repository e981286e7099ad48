// Streaming tasks (issue 17) on the WorkerPoolExecutor: the conformance stream suite (the
// AsyncPoolExecutor runs it in stream-async.test.ts; what only a worker pool shows is in
// stream-worker.test.ts and stream-grace.test.ts).
import { WorkerPoolExecutor } from "@concurrent/futures";
import { streamSuite } from "@concurrent/conformance/stream";
import { currentRuntime } from "@concurrent/testkit/helpers";

streamSuite(`WorkerPoolExecutor (${currentRuntime()})`, (options) => new WorkerPoolExecutor({ maxWorkers: 2, ...options }));
