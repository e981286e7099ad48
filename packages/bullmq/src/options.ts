// The options of both ends of the queue, and the checks only a queue has; the rest (unknown
// options, integers, timeouts, booleans) are core's, from @concurrent/core/kit, so every
// executor words them alike.
import type { JobsOptions, KeepJobs as BullKeepJobs } from "bullmq";
import type { Executor } from "@concurrent/core";
import { checkBoolean, checkInteger, checkOptions, checkTimeout } from "@concurrent/core/kit";
import { checkConnection, type Connection } from "./connection.js";
import { prefixUrl } from "./trust.js";

/** How long BullMQ keeps a finished job (its result readable by id): BullMQ's `KeepJobs`. */
export type KeepJobs = boolean | number | BullKeepJobs;

/** Options of {@link QueueExecutor}. */
export interface QueueExecutorOptions {
  /** A `redis://` / `rediss://` URL (user and password may be in it), or ioredis options. */
  connection: Connection;
  /** The BullMQ queue name; workers started with the same name run the tasks. */
  queue: string;
  /** Sign every job with HMAC-SHA256 under this secret; workers with the same secret verify it. @default none */
  secret?: string;
  /** ms Redis may be unreachable (at start, or after losing it) before pending futures fail. @default 10000 */
  connectTimeout?: number;
  /** How many times a task is tried in all when it throws (BullMQ `attempts`). @default 1 (no retries) */
  attempts?: number;
  /** Delay between retries: ms (fixed), or BullMQ's `{ type: "fixed" | "exponential", delay }`. @default 0 */
  backoff?: number | { type: "fixed" | "exponential"; delay: number };
  /** Keep completed jobs (and so their results, for {@link QueueExecutor.future}): BullMQ's `KeepJobs`. @default { age: 3600, count: 10000 } (an hour, at most 10 000 jobs) */
  removeOnComplete?: KeepJobs;
  /** Keep failed jobs. @default { age: 86400, count: 10000 } (a day, at most 10 000 jobs) */
  removeOnFail?: KeepJobs;
  /** BullMQ key prefix. @default "bull" */
  prefix?: string;
}

const EXECUTOR_KNOWN = ["connection", "queue", "secret", "connectTimeout", "attempts", "backoff", "removeOnComplete", "removeOnFail", "prefix"] as const;

/** Checks a QueueExecutor's options; returns its connection. */
export function checkExecutorOptions(options: QueueExecutorOptions): Connection {
  const connection = checkShared(options, EXECUTOR_KNOWN, "QueueExecutor");
  if (options.attempts !== undefined) checkInteger(options.attempts, "QueueExecutor attempts", 1);
  checkBackoff(options.backoff);
  return connection;
}

/** The BullMQ options every job of this executor is added with (each adds its own jobId). */
export function jobOptions(options: QueueExecutorOptions): JobsOptions {
  const backoff = options.backoff;
  return {
    attempts: options.attempts ?? 1,
    ...(backoff === undefined ? {} : { backoff: typeof backoff === "number" ? { type: "fixed", delay: backoff } : backoff }),
    removeOnComplete: options.removeOnComplete ?? { age: 3600, count: 10_000 },
    removeOnFail: options.removeOnFail ?? { age: 86400, count: 10_000 },
    // Only the last attempt's error is read back.
    stackTraceLimit: 1,
  };
}

function checkBackoff(backoff: unknown): void {
  if (backoff === undefined) return;
  if (typeof backoff === "number") {
    if (!(backoff >= 0)) throw new RangeError(`QueueExecutor backoff must be ≥ 0 ms, got ${backoff}`);
    return;
  }
  const b = backoff as { type?: unknown; delay?: unknown } | null;
  if (b === null || typeof b !== "object" || (b.type !== "fixed" && b.type !== "exponential") || typeof b.delay !== "number" || !(b.delay >= 0)) {
    throw new TypeError('QueueExecutor backoff must be ms, or { type: "fixed" | "exponential", delay: ms }');
  }
}

/** Options of {@link QueueWorker}. */
export interface QueueWorkerOptions {
  /** A `redis://` / `rediss://` URL (user and password may be in it), or ioredis options. */
  connection: Connection;
  /** The BullMQ queue name to take jobs from. */
  queue: string;
  /** Threads of the WorkerPoolExecutor that runs the tasks. @default the CPU count */
  maxWorkers?: number;
  /**
   * Jobs held at once (BullMQ `concurrency`). @default automatic: `maxWorkers` plus a
   * prefetch that is large for tiny tasks and small for long ones
   */
  concurrency?: number;
  /** ms a job's lock lasts without renewal; a worker that dies is noticed after about this long. @default 30000 */
  lockDuration?: number;
  /** ms between checks for stalled jobs (jobs whose worker died). @default 30000 */
  stalledInterval?: number;
  /** How many times a stalled job is put back to run again; the stall after that fails it with WorkerExitedError. @default 1 */
  maxStalledCount?: number;
  /** Run only jobs signed (HMAC-SHA256) with this secret. @default none: any job is run */
  secret?: string;
  /**
   * Run function-source tasks. `false`: only module tasks, and (without `modules`) only from
   * `file:` URLs — `data:`, `blob:`, `http(s):` and builtins (`node:*`, `bun:*`) are refused. @default true
   */
  allowFunctions?: boolean;
  /**
   * Run only module tasks inside one of these locations: `file:` URLs or absolute paths,
   * compared by real path (symlinks resolved) on path-segment boundaries; other URLs
   * (`https://host/dir/`, `node:`) compared after URL normalisation. @default any module
   */
  modules?: readonly string[];
  /** ms Redis may be unreachable at start before `ready` rejects. @default 10000 */
  connectTimeout?: number;
  /** BullMQ key prefix. @default "bull" */
  prefix?: string;
  /** Run tasks in this executor instead of a new WorkerPoolExecutor (not shut down by `close()`). */
  pool?: Executor;
}

const WORKER_KNOWN = [
  "connection",
  "queue",
  "maxWorkers",
  "concurrency",
  "lockDuration",
  "stalledInterval",
  "maxStalledCount",
  "secret",
  "allowFunctions",
  "modules",
  "connectTimeout",
  "prefix",
  "pool",
] as const;

/** Checks a QueueWorker's options; returns its connection. */
export function checkWorkerOptions(options: QueueWorkerOptions): Connection {
  const connection = checkShared(options, WORKER_KNOWN, "QueueWorker");
  if (options.allowFunctions !== undefined) checkBoolean(options.allowFunctions, "QueueWorker allowFunctions");
  for (const name of ["maxWorkers", "concurrency", "lockDuration", "stalledInterval"] as const) {
    if (options[name] !== undefined) checkInteger(options[name], `QueueWorker ${name}`, 1);
  }
  if (options.maxStalledCount !== undefined) checkInteger(options.maxStalledCount, "QueueWorker maxStalledCount", 0);
  if (options.modules !== undefined && (!Array.isArray(options.modules) || options.modules.some((m) => typeof m !== "string"))) {
    throw new TypeError("QueueWorker modules must be an array of URL prefixes (strings)");
  }
  for (const prefix of options.modules ?? []) {
    if (prefixUrl(prefix) === undefined) {
      throw new TypeError(`QueueWorker modules: ${JSON.stringify(prefix)} is neither an absolute URL (file:, https:, node:, …) nor an absolute path`);
    }
  }
  return connection;
}

/** What both ends take alike: known option names, connection, queue, secret, connectTimeout. */
function checkShared(options: QueueExecutorOptions | QueueWorkerOptions, known: readonly string[], where: string): Connection {
  checkOptions(options, known, where);
  const connection = checkConnection(options.connection, where);
  checkQueueName(options.queue, where);
  checkSecret(options.secret, where);
  if (options.connectTimeout !== undefined) checkTimeout(options.connectTimeout, `${where} connectTimeout`);
  return connection;
}

function checkQueueName(value: unknown, where: string): asserts value is string {
  if (typeof value !== "string" || value === "") throw new TypeError(`${where}: queue must be a non-empty string (the BullMQ queue name)`);
  if (value.includes(":")) throw new TypeError(`${where}: queue name ${JSON.stringify(value)} must not contain ":" (BullMQ uses it in its keys)`);
}

function checkSecret(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${where}: secret must be a non-empty string`);
}
