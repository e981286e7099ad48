// Streaming tasks (issue 17) on both local executors: the shared stream suite.
import { AsyncPoolExecutor, WorkerPoolExecutor } from "@concurrent/futures";
import { streamSuite } from "./stream-suite.js";
import { currentRuntime } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();

streamSuite(`AsyncPoolExecutor (${runtime})`, (maxWorkers) => new AsyncPoolExecutor({ maxWorkers }), { isolated: false });
streamSuite(`WorkerPoolExecutor (${runtime})`, (maxWorkers) => new WorkerPoolExecutor({ maxWorkers }), { isolated: true });
