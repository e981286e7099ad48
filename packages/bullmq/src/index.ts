export { QueueExecutor, QueueFuture, _setSweepInterval, type QueueExecutorOptions, type KeepJobs } from "./executor.js";
export { QueueWorker, type QueueWorkerOptions } from "./worker.js";
export { RedisConnectionError, type Connection } from "./connection.js";
export { encode, decode, type Json } from "./codec.js";
export { checkModule, type TrustPolicy, type Verdict } from "./trust.js";
