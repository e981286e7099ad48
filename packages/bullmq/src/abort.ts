// Aborting a job that a worker on another machine is running: a Redis pub/sub channel per
// queue. BullMQ's own `Worker.cancelJob()` only cancels within the process that holds the
// job, so the producer publishes `{ j: jobId, r: reason }` and every QueueWorker of the queue
// hears it; the one running the job aborts that call's signal (the task sees it through
// `currentSignal()`), and its pool's `grace` applies from there. Pub/sub delivers in about a
// round trip; a message is not stored, so a worker that has taken the job but not yet
// registered it keeps recent aborts for jobs it does not know (bounded), and checks them
// when it starts a job.
import type { Redis } from "ioredis";
import { decode, encode, type Json } from "./codec.js";

/** The channel of `queue`'s aborts: `<prefix>:<queue>:concurrent:abort`. */
export function abortChannel(prefix: string | undefined, queue: string): string {
  return `${prefix ?? "bull"}:${queue}:concurrent:abort`;
}

/** The message that aborts job `jobId` with `reason`. */
export function abortMessage(jobId: string, reason: unknown): string {
  let r: Json;
  try {
    r = encode(reason);
  } catch {
    r = encode(String(reason));
  }
  return JSON.stringify({ j: jobId, r });
}

/** Recent aborts kept for jobs this worker has not (yet) registered. */
const RECENT = 1000;

/** The worker side: which jobs run here under a signal, and the aborts heard for them. */
export class AbortListener {
  readonly #running = new Map<string, AbortController>();
  readonly #recent = new Map<string, unknown>();

  /** Subscribe `subscriber` (a connection of its own: subscriber mode takes it over). */
  async listen(subscriber: Redis, channel: string): Promise<void> {
    subscriber.on("message", (from: string, message: string) => {
      if (from === channel) this.#heard(message);
    });
    await subscriber.subscribe(channel);
  }

  /** A signal for job `jobId` while it runs here; aborted at once if its abort came first. Call `done` after. */
  start(jobId: string): AbortController {
    const controller = new AbortController();
    if (this.#recent.has(jobId)) {
      controller.abort(this.#recent.get(jobId));
      this.#recent.delete(jobId);
    } else this.#running.set(jobId, controller);
    return controller;
  }

  done(jobId: string): void {
    this.#running.delete(jobId);
  }

  #heard(message: string): void {
    let jobId: string;
    let reason: unknown;
    try {
      const m = JSON.parse(message) as { j?: unknown; r?: Json };
      if (typeof m.j !== "string") return;
      jobId = m.j;
      reason = m.r === undefined ? undefined : decode(m.r);
    } catch {
      return; // not ours
    }
    const controller = this.#running.get(jobId);
    if (controller) {
      this.#running.delete(jobId);
      controller.abort(reason);
      return;
    }
    this.#recent.set(jobId, reason);
    if (this.#recent.size > RECENT) this.#recent.delete(this.#recent.keys().next().value!);
  }
}
