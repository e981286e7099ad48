import type { TransferItem } from "../transfer.js";
import { Future } from "../future.js";
import { functionSource, isModuleTask } from "../tasks.js";
import type { SubmitOptions, Task } from "../executor.js";
import type { StreamBuffer } from "../stream/buffer.js";

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

/** The definition of a task, made once per function (or module export) and reused. */
export function taskDef(task: Task<never, unknown>): TaskDef {
  if (typeof task === "function") {
    let def = byFunction.get(task);
    if (def === undefined) {
      def = { id: nextId++, source: functionSource(task), url: undefined, name: undefined, avgMs: -1 };
      byFunction.set(task, def);
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

/** One call in a worker pool: the future itself, carrying what the pool needs to run it. */
export class PoolTask<R = unknown> extends Future<R> {
  /** Set while a worker holds the call. */
  worker: object | undefined = undefined;
  /** Position in its worker's call sequence (compared with the worker's control block). */
  seq = 0;
  /** A reason to reject with instead of WorkerExitedError when its worker is stopped for it. */
  abortReason: unknown = undefined;
  /** Set once the call has been run again because its worker died before sending its result. */
  rerun = false;
  /** submitWith's options, when it had any (plain submits leave this undefined: no timers). */
  limits: SubmitOptions | undefined = undefined;
  /** The run-time timeout's timer, while one is armed. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** For a stream call: its consumer side (values, credit, close). */
  stream: StreamBuffer<unknown, unknown> | undefined = undefined;

  constructor(
    readonly def: TaskDef,
    /** Arguments of a call, or the items of a chunk. */
    readonly args: unknown[],
    readonly chunk: boolean,
    readonly transfer: readonly TransferItem[] | undefined,
    readonly submittedAt: number,
  ) {
    super();
  }
}
