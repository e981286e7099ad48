import { BrokenExecutorError } from "../errors.js";
import { Queue } from "../queue.js";
import { isThenable } from "../thenable.js";
import { ExecutorCounters } from "../stats.js";
import { armRunTimeout } from "../submit-options.js";
import { asyncContext, contextFor, setCurrentCall } from "../context.js";
import type { KeyedQueue } from "../keys/index.js";
import { ClosedEarly } from "../stream/local.js";
import { AsyncLimits } from "./limits.js";
import type { AsyncPoolPlan, AsyncPoolStats } from "./options.js";
import type { AsyncTask } from "./task.js";

/**
 * The async pool's engine: the queue of calls, started on a microtask as slots free up
 * (after the initializer, if any), each run in this thread with its context, its outcome
 * put on its future and counted.
 */
export class AsyncRunner {
  readonly #limits: AsyncLimits;
  readonly #queue: Queue<AsyncTask<unknown>> | KeyedQueue<AsyncTask<unknown>>;
  /** With perKey: the same object as #queue. */
  readonly #keys: KeyedQueue<AsyncTask<unknown>> | undefined;
  readonly #counts = new ExecutorCounters();
  #scheduled = false;
  /** When the first call not yet started by a pass was submitted (see enqueue). */
  #submittedAt = 0;
  #draining = false;
  #broken: BrokenExecutorError | undefined = undefined;
  #init: "none" | "pending" | "running" | "done";
  readonly #initializer: ((...args: unknown[]) => unknown) | undefined;
  readonly #initArgs: readonly unknown[];
  #idle: Promise<void> | undefined = undefined;
  #resolveIdle: (() => void) | undefined = undefined;
  readonly #drain = () => {
    this.#scheduled = false;
    this.#pump(undefined);
  };

  constructor(plan: AsyncPoolPlan) {
    this.#limits = new AsyncLimits(plan);
    this.#keys = plan.keys;
    this.#queue = plan.keys ?? new Queue<AsyncTask<unknown>>();
    this.#initializer = plan.initializer;
    this.#initArgs = plan.initArgs;
    this.#init = this.#initializer ? "pending" : "none";
  }

  /** Queue a call under `key` (ignored without perKey); it starts on a microtask at the earliest. */
  enqueue<R>(task: AsyncTask<R>, key: string): AsyncTask<R> {
    if (this.#broken) {
      task.setException(this.#broken);
      this.#counts.failed++;
      return task;
    }
    if (this.#keys === undefined) (this.#queue as Queue<AsyncTask<unknown>>).push(task as AsyncTask<unknown>);
    else this.#keys.push(task as AsyncTask<unknown>, key);
    // Start calls on a microtask, never inside submit: the caller gets a pending future
    // it can still cancel, and everything submitted in one turn is started in one pass.
    // The calls submitted before that pass share one submit time, read at the first of them
    // (none of them can start before the pass): one clock read per batch instead of per call
    // (a read is ~100 ns on Deno, ~40 on Bun and Node, against ~700 per call). A call
    // submitted after long synchronous work in the same turn counts that work as waiting.
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#submittedAt = performance.now();
      queueMicrotask(this.#drain);
    }
    task.startedAt = this.#submittedAt;
    return task;
  }

  /** shutdown({ cancelFutures }): cancel every call not started yet. */
  cancelQueued(): void {
    for (const task of this.#queue.drain()) {
      if (task.cancel()) this.#counts.cancelled++;
      else this.#counts.failed++; // aborted by submitWith while queued
    }
  }

  /** Settles once no call is queued or in flight (at once if none is now). */
  whenIdle(): Promise<void> | undefined {
    if (this.#queue.size === 0 && this.#limits.inFlight === 0) return undefined;
    this.#idle ??= new Promise((resolve) => (this.#resolveIdle = resolve));
    return this.#idle;
  }

  stats(): AsyncPoolStats {
    const stats: AsyncPoolStats = this.#counts.stats(this.#limits.limit, this.#limits.inFlight, this.#queue.size);
    if (this.#keys !== undefined) stats.keys = this.#keys.stats();
    return stats;
  }

  /**
   * Start queued calls while slots are free. `now`: when the call that freed a slot finished,
   * if it just did: the clock reading its finish took is the start time of the call started
   * right after it (only the finished call's done callbacks ran in between), one clock read
   * less per call — a read is ~400 instructions on Bun and Node 20, ~1,050 on Deno (cachegrind),
   * against ~7,000 per async-pool call on Bun. After a call's own synchronous part ran, the
   * clock is read afresh.
   */
  #pump(now: number | undefined): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      if (this.#init !== "none" && this.#init !== "done") {
        if (this.#init === "pending") this.#initialize();
        return;
      }
      while (this.#limits.inFlight < this.#limits.limit) {
        const task = this.#queue.shift();
        if (task === undefined) break;
        if (task.state === "finished") {
          this.#counts.failed++; // aborted by submitWith while queued: never runs
          continue;
        }
        if (!task.setRunningOrNotifyCancel()) {
          this.#counts.cancelled++;
          continue;
        }
        now = this.#start(task, now ?? performance.now());
      }
    } finally {
      this.#draining = false;
    }
    this.#checkIdle();
  }

  /** Returns when the call finished if it did synchronously (see #pump), else undefined. */
  #start(task: AsyncTask<unknown>, now: number): number | undefined {
    this.#counts.waitTime.record(this.#limits.start(task, now));
    if (task.limits !== undefined) armRunTimeout(task, task.limits.timeout, (reason) => task.abort(reason));
    // The call is current for currentSignal(): through the adapter's async context when one
    // is registered (it follows the call's awaits), and around its synchronous part always.
    const hook = asyncContext() ?? contextFor(task.fn);
    const previous = setCurrentCall(task);
    let result: unknown;
    try {
      const args = task.args;
      if (hook === undefined) result = args === undefined ? task.fn(task.arg) : task.fn(...args);
      else result = args === undefined ? hook.run(task, task.fn, task.arg) : hook.run(task, task.fn, ...args);
    } catch (error) {
      setCurrentCall(previous);
      return this.#settle(task, error, true);
    }
    setCurrentCall(previous);
    if (isThenable(result)) {
      // Promise.resolve hands back a native promise as it is, and makes a thenable's then()
      // run later, as await would (so one that throws rejects rather than throwing here).
      Promise.resolve(result).then(
        (value) => this.#finish(task, value, false),
        (error: unknown) => this.#finish(task, error, true),
      );
      return undefined;
    }
    return this.#settle(task, result, false);
  }

  // A sync call settles inside the pump loop; an async one re-enters the pump. Returns when.
  #settle(task: AsyncTask<unknown>, outcome: unknown, failed: boolean): number {
    const now = performance.now();
    this.#counts.runTime.record(now - task.startedAt);
    // A stream its consumer left (only ever a failure) is no error of the downstream's.
    const closedEarly = failed && outcome instanceof ClosedEarly;
    this.#limits.finish(task, now, failed && !closedEarly);
    if (task.done()) {
      this.#counts.failed++; // aborted by submitWith: its future already holds the reason
      return now;
    }
    if (closedEarly) {
      this.#counts.cancelled++;
      task.setException((outcome as ClosedEarly).reason);
    } else if (failed) {
      this.#counts.failed++;
      task.setException(outcome);
    } else {
      this.#counts.completed++;
      task.setResult(outcome);
    }
    return now;
  }

  #finish(task: AsyncTask<unknown>, outcome: unknown, failed: boolean): void {
    this.#pump(this.#settle(task, outcome, failed));
  }

  #initialize(): void {
    this.#init = "running";
    const fail = (error: unknown) => {
      this.#broken = new BrokenExecutorError("the initializer failed: the executor cannot run work", { cause: error });
      for (const task of this.#queue.drain()) {
        if (task.state === "finished") this.#counts.failed++;
        else if (task.setRunningOrNotifyCancel()) {
          task.setException(this.#broken);
          this.#counts.failed++;
        } else this.#counts.cancelled++;
      }
      this.#init = "done";
      this.#checkIdle();
    };
    const done = () => {
      this.#init = "done";
      this.#pump(undefined);
    };
    try {
      const result = this.#initializer!(...this.#initArgs);
      if (isThenable(result)) {
        (result as PromiseLike<unknown>).then(done, fail);
      } else queueMicrotask(done);
    } catch (error) {
      queueMicrotask(() => fail(error));
    }
  }

  #checkIdle(): void {
    if (this.#resolveIdle && this.#limits.inFlight === 0 && this.#queue.size === 0) {
      this.#resolveIdle();
      this.#resolveIdle = undefined;
    }
  }
}
