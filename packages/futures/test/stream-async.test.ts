// Streaming tasks (issue 17) on the AsyncPoolExecutor: the conformance stream suite.
import { AsyncPoolExecutor } from "@concurrent/futures";
import { streamSuite } from "@concurrent/conformance/stream";
import { currentRuntime } from "@concurrent/testkit/helpers";

streamSuite(`AsyncPoolExecutor (${currentRuntime()})`, (options) => new AsyncPoolExecutor(options), {
  noWorkerToKill: "tasks run on the caller's thread: there is no worker to die, and process.exit() would end the caller",
  valuesNotCopied: "values stay in this thread: nothing is cloned, so every value can be delivered",
});
