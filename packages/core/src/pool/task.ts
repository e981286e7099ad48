import type { TransferItem } from "../transfer.js";
import { Future } from "../future.js";
import { functionSource, isModuleTask } from "../tasks.js";
import type { SubmitOptions, Task } from "../executor.js";
import type { StreamBuffer } from "../stream/buffer.js";
import { OP_CHUNK, type CallOp } from "../protocol.js";

/** What a worker needs to know to run a function: its id and how to define it. */
export interface TaskDef {
  readonly id: number;
  /** Source text of a function task, or undefined for a module task. */
  readonly source: string | undefined;
  readonly url: string | undefined;
  readonly name: string | undefined;
  /** Average run time of this function in ms (−1: never measured), for automatic chunksize. */
  avgMs: number;
}

let nextId = 0;
const byFunction = new WeakMap<object, TaskDef>();
const byModuleExport = new Map<string, TaskDef>();
// A function written inline (`pool.submit((x) => x * x, i)` in a loop) is a new object at
// every call, with the same source: keyed by its name and source text, it is sent and
// compiled once, not once per call (and a worker does not keep one compiled copy per call).
const bySource = new Map<string, TaskDef>();

/** The definition of a task, made once per function (or module export) and reused. */
export function taskDef(task: Task<never, unknown>): TaskDef {
  if (typeof task === "function") {
    let def = byFunction.get(task);
    if (def === undefined) {
      const key = `${task.name}\n${Function.prototype.toString.call(task)}`;
      def = bySource.get(key);
      if (def === undefined) {
        def = { id: nextId++, source: functionSource(task), url: undefined, name: undefined, avgMs: -1 };
        bySource.set(key, def);
        byFunction.set(task, def);
      }
      // (a new object with a known source is most likely an inline function that will not
      // be seen again: not worth a WeakMap entry)
    }
    return def;
  }
  if (isModuleTask(task)) {
    let def = byFunction.get(task);
    if (def === undefined) {
      const key = `${task.url}#${task.name}`;
      def = byModuleExport.get(key);
      if (def === undefined) {
        def = { id: nextId++, source: undefined, url: task.url, name: task.name, avgMs: -1 };
        byModuleExport.set(key, def);
      }
      byFunction.set(task, def);
    }
    return def;
  }
  throw new TypeError(
    `a task must be a function or a module task (taskModule(url).exportName), got ${task === null ? "null" : typeof task}`,
  );
}

/** When the calls of one turn of the event loop were submitted (see Pool.turn). */
export interface SubmitTurn {
  readonly at: number;
}

/** What only some calls carry: kept apart so that a plain submit's future is smaller. */
class TaskExtras {
  abortReason: unknown = undefined;
  rerun = false;
  limits: SubmitOptions | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  stream: StreamBuffer<unknown, unknown> | undefined = undefined;
  transfer: readonly TransferItem[] | undefined = undefined;
}

/**
 * One call in a worker pool: the future itself, carrying what the pool needs to run it.
 * What a plain submit does not use (limits, timer, transfer list, stream, abort reason,
 * rerun) lives in one extras object made on first use (an instance field costs every call
 * a slot: 8 bytes where V8 does not compress pointers, as in Node).
 */
export class PoolTask<R = unknown> extends Future<R> {
  /** Set while a worker holds the call. */
  worker: object | undefined = undefined;
  /** Position in its worker's call sequence (compared with the worker's control block). */
  seq = 0;
  #extras: TaskExtras | undefined = undefined;

  constructor(
    readonly def: TaskDef,
    /** OP_CALL1 (a call with one argument), OP_CALL (any other call) or OP_CHUNK (a chunk of `map`). */
    readonly op: CallOp,
    /**
     * By `op`: the one argument itself (no array per call: one argument is the common case),
     * the arguments, or the chunk's items.
     */
    readonly payload: unknown,
    transfer: readonly TransferItem[] | undefined,
    /** When it was submitted (shared by the calls of its turn). */
    readonly submitted: SubmitTurn,
  ) {
    super();
    if (transfer !== undefined) this.#more().transfer = transfer;
  }

  /** Calls this record stands for: a chunk's items, else 1. */
  get calls(): number {
    return this.op === OP_CHUNK ? (this.payload as unknown[]).length : 1;
  }

  #more(): TaskExtras {
    return (this.#extras ??= new TaskExtras());
  }

  /** Buffers moved to the worker with the call's arguments. */
  get transfer(): readonly TransferItem[] | undefined {
    return this.#extras?.transfer;
  }

  /** A reason to reject with instead of WorkerExitedError when its worker is stopped for it. */
  get abortReason(): unknown {
    return this.#extras?.abortReason;
  }
  set abortReason(reason: unknown) {
    this.#more().abortReason = reason;
  }

  /** Set once the call has been run again because its worker died before sending its result. */
  get rerun(): boolean {
    return this.#extras?.rerun ?? false;
  }
  set rerun(rerun: boolean) {
    this.#more().rerun = rerun;
  }

  /** submitWith's options, when it had any (plain submits leave this undefined: no timers). */
  get limits(): SubmitOptions | undefined {
    return this.#extras?.limits;
  }
  set limits(limits: SubmitOptions | undefined) {
    this.#more().limits = limits;
  }

  /** The run-time timeout's timer, while one is armed. */
  get timer(): ReturnType<typeof setTimeout> | undefined {
    return this.#extras?.timer;
  }
  set timer(timer: ReturnType<typeof setTimeout> | undefined) {
    this.#more().timer = timer;
  }

  /** For a stream call: its consumer side (values, credit, close). */
  get stream(): StreamBuffer<unknown, unknown> | undefined {
    return this.#extras?.stream;
  }
  set stream(stream: StreamBuffer<unknown, unknown> | undefined) {
    this.#more().stream = stream;
  }
}
