// Sending jobs to Redis: the calls submitted in one tick go in one round trip (BullMQ's
// addBulk is one MULTI), after their payloads are signed and their stream keys opened.
import type { JobsOptions, Queue } from "bullmq";
import { RedisConnectionError } from "./connection.js";
import { signPayload, type JobData } from "./envelope.js";
import type { Entry, JobTable } from "./jobs.js";

export class JobSender {
  #batch: Entry[] = [];
  #flushing = false;

  constructor(
    readonly queue: Queue,
    /** Resolves once the executor listens to the queue's events: nothing is sent before. */
    readonly ready: Promise<void>,
    readonly jobs: JobTable,
    readonly jobOptions: JobsOptions,
    readonly secret: string | undefined,
    /** The executor, as errors name it. */
    readonly where: string,
  ) {}

  /** Send `entry` (its payload encoded) with the others of this tick. */
  add(entry: Entry): void {
    this.#batch.push(entry);
    if (this.#batch.length === 1) queueMicrotask(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      await this.ready;
      while (this.#batch.length > 0) {
        const batch = this.#batch.filter((e) => !e.future.done());
        this.#batch = [];
        if (batch.length === 0) continue;
        const secret = this.secret;
        const data = secret === undefined ? batch.map((e) => ({ p: e.payload! })) : await Promise.all(batch.map((e) => signPayload(e.payload!, secret)));
        const streams = batch.filter((e) => e.stream !== undefined);
        if (streams.length > 0) await Promise.all(streams.map((e) => e.stream!.open()));
        const jobs = batch.map((e, i) => ({
          name: e.chunk ? "chunk" : e.stream ? "stream" : "call",
          data: data[i] as JobData,
          opts: { ...this.jobOptions, jobId: e.future.jobId },
        }));
        try {
          await this.queue.addBulk(jobs);
          for (const e of batch) {
            e.payload = undefined;
            if (e.where === "new") e.where = "added";
            // Cancelled or aborted while the add was on its way: take it back out.
            if (e.abandoned) void this.jobs.remove(e);
            else if (e.stream) void e.stream.run();
          }
        } catch (error) {
          const wrapped = this.#redisError(error);
          for (const e of batch) {
            e.where = "gone";
            if (!e.future.done()) this.jobs.fail(e, wrapped);
          }
        }
      }
    } catch (error) {
      const wrapped = this.#redisError(error);
      for (const e of this.#batch) if (!e.future.done()) this.jobs.fail(e, wrapped);
      this.#batch = [];
    } finally {
      this.#flushing = false;
    }
  }

  // A Redis error while sending jobs (wrong password, no permission, out of memory) fails
  // the calls with an error that says where it came from; the connection error of the
  // watchdog is already one.
  #redisError(error: unknown): unknown {
    if (error instanceof RedisConnectionError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new RedisConnectionError(`${this.where}: Redis refused the job: ${message}`, { cause: error });
  }
}
