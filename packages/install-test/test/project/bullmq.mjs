// @concurrent/bullmq loads from the installed tarball (with bullmq and ioredis from the
// registry) on each runtime. Talking to Redis is the bullmq package's own suite's job.
import { QueueExecutor, QueueWorker } from "@concurrent/bullmq";
import { Executor } from "@concurrent/futures";

console.log(JSON.stringify({ bullmq: typeof QueueWorker === "function" && QueueExecutor.prototype instanceof Executor }));
