import { unrefTimer } from "../runtime.js";
import type { ConcurrencyLimit } from "../sizing/index.js";
import type { KeyedQueue } from "../keys/index.js";
import type { AsyncPoolPlan } from "./options.js";
import type { AsyncTask } from "./task.js";

/** How often the auto-mode watchdog looks for a stalled downstream, ms. */
const WATCHDOG_MS = 50;

/**
 * The async pool's slots: how many calls are in flight against which limit (fixed, adaptive,
 * or per key), what a call tells the limits when it starts and finishes, and the watchdog that
 * tells an adaptive limit about a downstream that has stalled.
 */
export class AsyncLimits {
  /** The overall limit now. */
  limit: number;
  inFlight = 0;
  readonly #auto: ConcurrencyLimit | undefined;
  /** With perKey: the pool's keyed queue. Without, undefined, and nothing per call looks up a key. */
  readonly #keys: KeyedQueue<AsyncTask<unknown>> | undefined;
  /** A watchdog runs while calls are in flight: maxWorkers or perKey is "auto". */
  readonly #watched: boolean;
  /** auto only: when a call last finished, or the first of a busy spell started. */
  #lastProgress = 0;
  /** auto only: the watchdog (one timer, armed only while calls are in flight). */
  #watchdog: ReturnType<typeof setTimeout> | undefined = undefined;
  #watchdogDue = 0;
  // A stalled downstream finishes no call, so it sends the limit no sample: the watchdog
  // tells it how long the pool has heard nothing (see ConcurrencyLimit.onStall).
  readonly #watch = () => {
    this.#watchdog = undefined;
    if (this.inFlight === 0) return;
    const now = performance.now();
    // Fired late: this thread was busy, and finished calls may be waiting to be heard.
    if (now - this.#watchdogDue < WATCHDOG_MS / 2) {
      if (this.#auto !== undefined) {
        this.#auto.onStall(now, now - this.#lastProgress);
        this.limit = this.#auto.limit;
      } else this.#keys!.watch(now);
    }
    this.#arm(now);
  };

  constructor(plan: AsyncPoolPlan) {
    this.limit = plan.limit;
    this.#auto = plan.auto;
    this.#keys = plan.keys;
    this.#watched = plan.watched;
  }

  /** A call takes its slot at `now`: sets its startedAt and inFlightAtStart; returns how long it waited. */
  start(task: AsyncTask<unknown>, now: number): number {
    const submittedAt = task.startedAt;
    task.inFlightAtStart = ++this.inFlight;
    task.startedAt = now;
    if (this.#keys !== undefined) task.inFlightAtStart = this.#keys.start(task, task.startedAt, task.inFlightAtStart);
    if (this.#watched && this.#watchdog === undefined) {
      this.#lastProgress = task.startedAt;
      this.#arm(task.startedAt);
    }
    return task.startedAt - submittedAt;
  }

  /** A call's function returned (or its promise settled) at `now`: its slot is free. */
  finish(task: AsyncTask<unknown>, now: number, failed: boolean): void {
    this.inFlight--;
    if (this.#auto !== undefined) {
      // Errors count as congestion, as a downstream's timeouts and refusals usually are.
      this.#auto.onSample(now, now - task.startedAt, task.inFlightAtStart, failed);
      this.limit = this.#auto.limit;
      this.#lastProgress = now;
    }
    if (this.#keys !== undefined) this.#keys.finish(task, now, now - task.startedAt, failed, failed || task.done(), task.inFlightAtStart);
  }

  #arm(now: number): void {
    this.#watchdogDue = now + WATCHDOG_MS;
    this.#watchdog = setTimeout(this.#watch, WATCHDOG_MS);
    unrefTimer(this.#watchdog);
  }
}
