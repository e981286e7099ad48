import { OP_CALL, OP_CHUNK, OP_FUNCTION, OP_MODULE, OP_STREAM } from "../protocol.js";
import type { PoolWorker } from "./pool-worker.js";
import type { PoolTask } from "./task.js";

/**
 * Append one call to a worker's BATCH message, preceded by its function's definition the
 * first time this worker sees that function.
 */
export function appendCall(batch: unknown[], w: PoolWorker, task: PoolTask): void {
  const def = task.def;
  if (def.id !== w.lastDefined) {
    if (!w.defined.has(def.id)) {
      if (def.source !== undefined) batch.push(OP_FUNCTION, def.id, def.source);
      else batch.push(OP_MODULE, def.id, def.url, def.name);
      w.defined.add(def.id);
    }
    w.lastDefined = def.id;
  }
  if (task.stream !== undefined) batch.push(OP_STREAM, def.id, [task.args, task.stream.highWaterMark, task.stream.control.cells]);
  else batch.push(task.chunk ? OP_CHUNK : OP_CALL, def.id, task.args);
}

/**
 * Why a batch could not be posted, per call: the error for each call whose arguments cannot
 * be cloned (functions, symbols, …). Calls with a transfer list are not probed: cloning
 * them here would detach their buffers.
 */
export function uncloneableArguments(tasks: readonly PoolTask[]): Map<PoolTask, TypeError> {
  const culprits = new Map<PoolTask, TypeError>();
  for (const task of tasks) {
    if (task.transfer) continue;
    try {
      structuredClone(task.args);
    } catch (cloneError) {
      culprits.set(
        task,
        new TypeError(
          `an argument of this task cannot be sent to a worker (structured clone failed: ${(cloneError as Error)?.message ?? String(cloneError)}); pass plain data: no functions, symbols or class instances with methods`,
          { cause: cloneError },
        ),
      );
    }
  }
  return culprits;
}
