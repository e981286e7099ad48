import { startedAtView } from "../protocol.js";
import { Queue } from "../queue.js";
import type { WorkerHandle } from "./adapter.js";
import type { PoolTask } from "./task.js";

/** The pool's record of one worker. */
export class PoolWorker {
  handle!: WorkerHandle;
  state: "starting" | "ready" | "retiring" | "dead" = "starting";
  /** Calls handed to this worker and not yet reported back, oldest first. */
  readonly inFlight = new Queue<PoolTask>();
  /** Calls handed over so far; `reported` of them have come back. */
  sent = 0;
  reported = 0;
  /** How long the calls handed to this worker are expected to take, in ms (see dispatch.ts). */
  aheadMs = 0;
  /** Ids of the functions this worker has been sent (and the last one, to skip the lookup). */
  readonly defined = new Set<number>();
  lastDefined = -1;
  refed = false;
  /** When the worker last ran out of work (performance.now()), or −1 while it has some. */
  idleSince = -1;
  /** The uncaught error the worker reported before it died. */
  uncaught: unknown = undefined;

  /** When the worker's latest call started (see CTRL_STARTED_AT_BYTE). */
  readonly startedAt: Float64Array;

  constructor(
    readonly id: number,
    /** Control block shared with the worker: calls started and finished (see protocol.ts). */
    readonly ctrl: Int32Array,
  ) {
    this.startedAt = startedAtView(ctrl);
  }

  get load(): number {
    return this.inFlight.size;
  }

  ref(): void {
    if (!this.refed) {
      this.refed = true;
      this.handle.ref();
    }
  }

  unref(): void {
    if (this.refed) {
      this.refed = false;
      this.handle.unref();
    }
  }
}
