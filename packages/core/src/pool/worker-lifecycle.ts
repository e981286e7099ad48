// A worker's life in the pool: started for waiting work, unref'd while idle (so an idle pool
// does not hold the process), stopped after `idleTimeout` above `minWorkers` or after
// `maxTasksPerWorker` calls, and taken out of the pool when stopped.
import { CTRL_SIZE, H_INIT } from "../protocol.js";
import type { PoolAdapter } from "./adapter.js";
import type { Pool } from "./pool.js";
import { PoolWorker } from "./pool-worker.js";
import { onExit } from "./worker-exit.js";
import { onMessage, onMessageError } from "./worker-messages.js";

export function spawnWorker(pool: Pool): void {
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SIZE * Int32Array.BYTES_PER_ELEMENT));
  const w = new PoolWorker(pool.nextWorker++, ctrl);
  pool.workers.push(w);
  w.handle = pool.adapter.spawn(
    pool.adapter.workerUrl,
    {
      message: (data) => onMessage(pool, w, data),
      messageError: (error) => onMessageError(pool, w, error),
      exit: (code, error) => onExit(pool, w, code, error),
    },
    { ...pool.spawnOptions, name: `${pool.name}-${w.id}` },
  );
  w.ref(); // it was started for work that is waiting
  w.handle.post([H_INIT, ctrl, pool.init, pool.initArgs]);
}

export function onIdle(pool: Pool, w: PoolWorker): void {
  unrefSoon(pool);
  if (w.state !== "ready") return;
  if (w.sent >= pool.maxTasks) {
    stopWorker(pool, w);
    pool.schedule();
    return;
  }
  if (pool.closed || pool.idleTimeout === Infinity) return;
  w.idleSince = performance.now();
  if (pool.idleSweep === undefined && pool.workers.length > pool.minWorkers) armIdleSweep(pool, pool.idleTimeout);
}

// An idle worker must not keep the process alive, but unref()/ref() cost a runtime call
// each (an op on Deno), and a request/response loop makes a worker idle after every call.
// So idle workers are unref'd one macrotask later, together: until then the pending timer
// holds the process anyway, and a worker that got work meanwhile is left ref'd.
function unrefSoon(pool: Pool): void {
  if (pool.unrefPending) return;
  pool.unrefPending = true;
  setTimeout(unrefIdle, 0, pool);
}

function unrefIdle(pool: Pool): void {
  pool.unrefPending = false;
  for (const w of pool.workers) if (w.load === 0 && w.state !== "starting") w.unref();
}

// One timer for the whole pool, not one per worker per idle spell: a worker going idle and
// busy again (every call, in a request/response loop) only writes a timestamp.
function armIdleSweep(pool: Pool, ms: number): void {
  pool.idleSweep = setTimeout(sweepIdle, ms, pool);
  unrefTimer(pool.idleSweep, pool.adapter);
}

function sweepIdle(pool: Pool): void {
  pool.idleSweep = undefined;
  if (pool.closed) return;
  const now = performance.now();
  let next = Infinity;
  for (const w of [...pool.workers]) {
    if (w.state !== "ready" || w.load > 0 || w.idleSince < 0) continue;
    const due = w.idleSince + pool.idleTimeout;
    if (due <= now + 1) {
      if (pool.workers.length > pool.minWorkers) stopWorker(pool, w);
    } else next = Math.min(next, due);
  }
  if (next !== Infinity && pool.workers.length > pool.minWorkers) armIdleSweep(pool, next - now);
}

function unrefTimer(timer: ReturnType<typeof setTimeout>, adapter: PoolAdapter): void {
  if (adapter.unrefTimer) adapter.unrefTimer(timer);
  else (timer as { unref?: () => void }).unref?.();
}

/** Take a worker out of the pool and terminate it; its calls are settled on exit. */
export function stopWorker(pool: Pool, w: PoolWorker): void {
  if (w.state === "retiring" || w.state === "dead") return;
  w.state = "retiring";
  const index = pool.workers.indexOf(w);
  if (index >= 0) pool.workers.splice(index, 1);
  pool.exiting.add(w);
  // Hold the process until the exit arrives: `await pool.shutdown()` waits for it, and with
  // every worker unref'd nothing else may keep the event loop alive (seen on Bun).
  w.ref();
  w.handle.terminate();
}
