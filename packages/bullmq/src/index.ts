export { QueueExecutor } from "./executor.js";
export { QueueFuture, _setSweepInterval } from "./jobs.js";
export type { QueueExecutorOptions, QueueWorkerOptions, KeepJobs } from "./options.js";
export { QueueWorker } from "./worker.js";
export { RedisConnectionError, type Connection } from "./connection.js";
export { encode, decode, type Json } from "./codec.js";
export { checkModule, type TrustPolicy, type Verdict } from "./trust.js";
