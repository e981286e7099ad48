// The engine behind WorkerPoolExecutor (worker-pool.ts, the public façade): what the pool
// knows — its settings, the queue, its workers, its counters — and how its jobs reach each
// other. Each job is a file of functions taking the pool as their first argument:
//
//   dispatch.ts          submit → the queue → one BATCH per worker per turn
//   worker-messages.ts   what workers send back: ready, results, stream frames, failures
//   worker-lifecycle.ts  starting a worker, idle workers (unref, idle timeout), stopping one
//   worker-exit.ts       a worker exited: what becomes of its calls; a broken pool
//   time-limits.ts       run-time timeout, abort and grace
//   stream-glue.ts       streamWith: credit and close between a TaskStream and its worker
//   shutdown.ts          cancelling or failing what waits; when the pool is done
//
// Jobs call one another through the methods at the end of this class, never by importing
// one another, so the files form no import cycle.
import type { BrokenExecutorError } from "../errors.js";
import type { TaskSpec } from "../protocol.js";
import { Queue } from "../queue.js";
import { ExecutorCounters } from "../stats.js";
import type { PoolAdapter, SpawnOptions } from "./adapter.js";
import { flush, schedule } from "./dispatch.js";
import type { WorkerPoolOptions } from "./options.js";
import type { PoolWorker } from "./pool-worker.js";
import { taskDef, type PoolTask, type SubmitTurn, type TaskDef } from "./task.js";
import { abort, armRunTimeout } from "./time-limits.js";
import { breakPool } from "./worker-exit.js";
import { onIdle, spawnWorker, stopWorker } from "./worker-lifecycle.js";
import { checkDone } from "./shutdown.js";

export class Pool {
  // ---- settings ----------------------------------------------------------------------
  readonly adapter: PoolAdapter;
  readonly maxWorkers: number;
  readonly minWorkers: number;
  readonly idleTimeout: number;
  readonly maxTasks: number;
  readonly init: TaskSpec | null;
  readonly initArgs: readonly unknown[];
  readonly spawnOptions: SpawnOptions;
  readonly name: string;

  // ---- calls and workers ---------------------------------------------------------------
  /** Calls submitted and not yet handed to a worker, oldest first. */
  readonly queue = new Queue<PoolTask>();
  /** Workers starting or ready (not those being stopped). */
  readonly workers: PoolWorker[] = [];
  /** Workers stopped and not yet exited. */
  readonly exiting = new Set<PoolWorker>();
  /** Calls handed to workers and not yet reported back. */
  inFlight = 0;
  nextWorker = 0;
  // The last function submitted and its definition (most submits repeat it).
  lastFn: unknown = undefined;
  lastDef: TaskDef | undefined = undefined;
  // Functions this pool has seen finish (their averages are trusted for prefetching).
  readonly measured = new Set<number>();
  lastMeasured = -1;
  /** Which worker a flush looks at first (turns, so no worker is always first). */
  rotate = 0;
  /** A flush is queued as a microtask. */
  scheduled = false;
  /**
   * When the calls of this turn were submitted: one clock reading per turn (taken as it
   * starts), shared by its calls, rather than a number boxed in every call.
   */
  turn: SubmitTurn = { at: 0 };
  readonly flushNow = (): void => flush(this);
  /** The array every BATCH is written into (see dispatch.ts send). */
  readonly batch: unknown[] = [];

  // ---- idle workers ----------------------------------------------------------------------
  idleSweep: ReturnType<typeof setTimeout> | undefined = undefined;
  unrefPending = false;

  // ---- the pool's own state ------------------------------------------------------------
  closed = false;
  /** Set by terminateWorkers: the message every running call fails with. */
  terminating: string | undefined = undefined;
  broken: BrokenExecutorError | undefined = undefined;
  /** Workers in a row that exited before they were ready. */
  startFailures = 0;
  readonly counts = new ExecutorCounters();
  busyMs = 0;
  readonly createdAt = performance.now();
  done: Promise<void> | undefined = undefined;
  resolveDone: (() => void) | undefined = undefined;

  constructor(adapter: PoolAdapter, options: WorkerPoolOptions | undefined) {
    this.adapter = adapter;
    this.maxWorkers = options?.maxWorkers ?? Math.max(1, adapter.cpuCount(), options?.minWorkers ?? 0);
    this.minWorkers = Math.min(options?.minWorkers ?? 0, this.maxWorkers);
    this.idleTimeout = options?.idleTimeout ?? 30_000;
    this.maxTasks = options?.maxTasksPerWorker ?? Infinity;
    this.name = options?.name ?? "concurrent-worker";
    this.spawnOptions = options?.resourceLimits ? { resourceLimits: options.resourceLimits } : {};
    this.initArgs = options?.initArgs ?? [];
    const initializer = options?.initializer;
    if (initializer === undefined) this.init = null;
    else {
      const def = taskDef(initializer);
      this.init = def.source !== undefined ? { source: def.source } : { url: def.url!, name: def.name! };
    }
  }

  // ---- how the jobs reach each other ---------------------------------------------------

  /** Hand queued calls to workers now (dispatch.ts). */
  flush(): void {
    flush(this);
  }

  /** Flush in a microtask, if calls wait (dispatch.ts). */
  schedule(): void {
    schedule(this);
  }

  /** Start one more worker (worker-lifecycle.ts). */
  spawn(): void {
    spawnWorker(this);
  }

  /** Take a worker out of the pool and terminate it (worker-lifecycle.ts). */
  stop(w: PoolWorker): void {
    stopWorker(this, w);
  }

  /** A worker has no call left (worker-lifecycle.ts). */
  onIdle(w: PoolWorker): void {
    onIdle(this, w);
  }

  /** Arm a call's run-time timeout (time-limits.ts). */
  armRunTimeout(task: PoolTask): void {
    armRunTimeout(this, task);
  }

  /** Abort a call (time-limits.ts). */
  abort(task: PoolTask, reason: unknown, grace?: number): void {
    abort(this, task, reason, grace);
  }

  /** The pool cannot run work any more (worker-exit.ts). */
  break(error: BrokenExecutorError): void {
    breakPool(this, error);
  }

  /** Once closed and empty: stop the workers, and settle whenDone (shutdown.ts). */
  checkDone(): void {
    checkDone(this);
  }
}
