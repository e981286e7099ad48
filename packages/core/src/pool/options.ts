import type { Task } from "../executor.js";
import { isModuleTask } from "../tasks.js";
import { checkInteger, checkOptions, checkTimeout, describeValue } from "../validate.js";
import type { PoolAdapter, SpawnOptions } from "./adapter.js";

/** Options of `WorkerPoolExecutor`. */
export interface WorkerPoolOptions {
  /** Most workers at once. @default the number of CPUs the runtime reports (at least `minWorkers`) */
  maxWorkers?: number;
  /** Workers kept when idle (at most `maxWorkers`: more is a RangeError); those above exit after `idleTimeout` ms without work. @default 0 */
  minWorkers?: number;
  /** ms a worker above `minWorkers` may sit idle before it exits. @default 30000 */
  idleTimeout?: number;
  /** Runs in each worker before its first task (a self-contained function or a module task); if it throws, the pool is broken. */
  initializer?: Task<never[], unknown>;
  /** Arguments for `initializer`. @default [] */
  initArgs?: readonly unknown[];
  /** Replace a worker after it has run this many tasks (Python's `max_tasks_per_child`). @default Infinity */
  maxTasksPerWorker?: number;
  /** V8 heap limits per worker, where the runtime supports them (Node). */
  resourceLimits?: SpawnOptions["resourceLimits"];
  /** Worker name prefix, for debuggers and stack traces. @default "concurrent-worker" */
  name?: string;
  /** The runtime to run workers on. `@concurrent/futures` picks the current runtime's adapter. */
  adapter?: PoolAdapter;
}

export const POOL_OPTIONS = [
  "maxWorkers",
  "minWorkers",
  "idleTimeout",
  "initializer",
  "initArgs",
  "maxTasksPerWorker",
  "resourceLimits",
  "name",
  "adapter",
];

export function checkPoolOptions(options: WorkerPoolOptions | undefined): void {
  checkOptions(options, POOL_OPTIONS, "WorkerPoolExecutor");
  if (!options) return;
  if (options.maxWorkers !== undefined) checkInteger(options.maxWorkers, "WorkerPoolExecutor maxWorkers", 1);
  if (options.minWorkers !== undefined) checkInteger(options.minWorkers, "WorkerPoolExecutor minWorkers", 0);
  if (options.idleTimeout !== undefined) checkTimeout(options.idleTimeout, "WorkerPoolExecutor idleTimeout");
  if (options.maxTasksPerWorker !== undefined && options.maxTasksPerWorker !== Infinity) {
    checkInteger(options.maxTasksPerWorker, "WorkerPoolExecutor maxTasksPerWorker", 1);
  }
  if (options.minWorkers !== undefined && options.maxWorkers !== undefined && options.minWorkers > options.maxWorkers) {
    throw new RangeError(`WorkerPoolExecutor minWorkers (${options.minWorkers}) must not be more than maxWorkers (${options.maxWorkers})`);
  }
  const initializer: unknown = options.initializer;
  if (initializer !== undefined && typeof initializer !== "function" && !isModuleTask(initializer)) {
    throw new TypeError(`WorkerPoolExecutor initializer must be a function or a module task (taskModule), got ${describeValue(initializer)}`);
  }
  if (options.initArgs !== undefined && !Array.isArray(options.initArgs)) {
    throw new TypeError(`WorkerPoolExecutor initArgs must be an array, got ${describeValue(options.initArgs)}`);
  }
  if (options.name !== undefined && typeof options.name !== "string") {
    throw new TypeError(`WorkerPoolExecutor name must be a string, got ${describeValue(options.name)}`);
  }
  if (options.resourceLimits !== undefined) checkResourceLimits(options.resourceLimits);
  const adapter = options.adapter;
  if (adapter !== undefined && (typeof adapter !== "object" || adapter === null || typeof adapter.spawn !== "function")) {
    throw new TypeError("WorkerPoolExecutor adapter must be a PoolAdapter (an object with spawn, cpuCount and workerUrl)");
  }
}

const RESOURCE_LIMITS = ["maxOldGenerationSizeMb", "maxYoungGenerationSizeMb", "codeRangeSizeMb", "stackSizeMb"];

// Node hands these to V8 unchecked: a negative or NaN limit makes every worker die before it
// is ready (a BrokenExecutorError far from its cause), so they are checked here.
function checkResourceLimits(limits: unknown): void {
  if (limits === null || typeof limits !== "object" || Array.isArray(limits)) {
    throw new TypeError(`WorkerPoolExecutor resourceLimits must be an object ({ ${RESOURCE_LIMITS.join(", ")} }), got ${describeValue(limits)}`);
  }
  checkOptions(limits, RESOURCE_LIMITS, "WorkerPoolExecutor resourceLimits");
  for (const key of RESOURCE_LIMITS) {
    const value = (limits as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== "number") throw new TypeError(`WorkerPoolExecutor resourceLimits.${key} must be a number of megabytes, got ${describeValue(value)}`);
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`WorkerPoolExecutor resourceLimits.${key} must be a finite number of megabytes > 0, got ${describeValue(value)}`);
    }
  }
}
