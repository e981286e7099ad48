// The pool adapter for Deno: one web `Worker` with `type: "module"` per pool worker.
import { AsyncLocalStorage } from "node:async_hooks";
import { workerEntry, type CallContext, type PoolAdapter, type SpawnOptions, type WorkerEvents, type WorkerHandle } from "@concurrent/core";
import { registerRuntime } from "@concurrent/core/kit";
import { isExitNotice } from "./notice.js";
import { workerSource } from "./worker-source.js";

type RefMethod = (this: Worker, ref: boolean) => void;

// Deno's web Worker has no ref()/unref(), and an idle one keeps the process alive forever.
// The runtime has the switch privately: a method keyed by an undescribed symbol
// (`privateWorkerRef` in ext/runtime/js/11_workers.js, which Deno's own node:worker_threads
// and module-hooks code use). It is found by shape: the one function on Worker.prototype
// keyed by a symbol without a description. If a future Deno drops it, ref()/unref() do
// nothing and idle workers hold the process open until the pool shuts down.
let refMethod: RefMethod | null | undefined;
function findRefMethod(): RefMethod | null {
  if (refMethod !== undefined) return refMethod;
  const proto = Worker.prototype as unknown as Record<symbol, unknown>;
  const candidates = Object.getOwnPropertySymbols(proto).filter(
    (key) => key.description === undefined && typeof proto[key] === "function",
  );
  const [key] = candidates;
  refMethod = candidates.length === 1 && key !== undefined ? (proto[key] as RefMethod) : null;
  return refMethod;
}

function spawn(url: URL, events: WorkerEvents, options: SpawnOptions): WorkerHandle {
  // Deno has no per-worker heap limit, so `resourceLimits` is ignored.
  const init: WorkerOptions = { type: "module" };
  if (options.name !== undefined) init.name = options.name;
  const worker = new Worker(url, init);
  const setRef = findRefMethod();
  // A new worker starts unref'd: the engine refs it while it has work in flight.
  let refed = true;
  const ref = (on: boolean): void => {
    if (setRef === null || refed === on) return;
    refed = on;
    setRef.call(worker, on);
  };
  ref(false);

  let state: "running" | "exited" = "running";
  const finish = (code: number, error?: unknown): void => {
    if (state === "exited") return;
    state = "exited";
    // Stops Deno's host-side polling for this worker, which may not have noticed it is gone.
    worker.terminate();
    // A worker terminated while ref'd (aborted mid-task, busy in a loop) stays ref'd in
    // Deno 2 and holds the process open forever: drop our ref with it.
    ref(false);
    events.exit(code, error);
  };

  worker.addEventListener("message", (event: MessageEvent<unknown>) => {
    if (state !== "running") return;
    const data = event.data;
    if (!Array.isArray(data) && isExitNotice(data)) finish(data.code);
    else events.message(data);
  });
  // Deno stops reading a worker's messages after one fails to deserialize (its message loop
  // returns), so the worker cannot live on as the contract wants: report the lost message,
  // then end the worker, so the work in it fails instead of hanging.
  worker.addEventListener("messageerror", (event: MessageEvent<unknown>) => {
    if (state !== "running") return;
    events.messageError(event.data);
    finish(1, event.data);
  });
  // An 'error' reaching the host means the worker is gone: a module that failed to load, or
  // an uncaught error before the runner installed its handler (after that, the worker entry
  // catches them). Deno gives only the text (`error` is null). preventDefault() stops Deno
  // from rethrowing it in the host as "Unhandled error in child worker", which would kill
  // the whole process.
  worker.addEventListener("error", (event: ErrorEvent) => {
    event.preventDefault();
    finish(1, event.error ?? new Error(event.message));
  });

  return {
    post(data, transfer) {
      worker.postMessage(data, transfer === undefined ? [] : ([...transfer] as Transferable[]));
    },
    // Deno fires no event for terminate(), so `exit` is ours to fire (code 1, as on Node);
    // a microtask later, so the engine never hears of it inside its own terminate() call.
    terminate() {
      if (state !== "running") return;
      worker.terminate();
      queueMicrotask(() => finish(1));
    },
    ref() {
      ref(true);
    },
    unref() {
      ref(false);
    },
  };
}

let workerUrl: URL | undefined;

function readText(url: URL): string | undefined {
  try {
    return (globalThis as unknown as { Deno: { readTextFileSync(url: URL): string } }).Deno.readTextFileSync(url);
  } catch {
    return undefined;
  }
}

/** The Deno `PoolAdapter`: what `WorkerPoolExecutor` from `@concurrent/futures` uses on Deno. */
export const adapter: PoolAdapter = {
  name: "deno",
  // Resolved on first use: the worker module beside this file, or the embedded copy when
  // the program was bundled or compiled without it (see core's worker-entry.ts).
  get workerUrl(): URL {
    return (workerUrl ??= workerEntry({
      file: new URL("./worker.js", import.meta.url),
      packageName: "@concurrent/deno",
      embedded: workerSource,
      readText,
    }));
  },
  spawn,
  cpuCount: () => navigator.hardwareConcurrency,
  // Deno's timers are plain numbers with no unref(); its own switch is Deno.unrefTimer.
  unrefTimer(timer) {
    (globalThis as unknown as { Deno: { unrefTimer(id: number): void } }).Deno.unrefTimer(timer as unknown as number);
  },
};

// Core asks the runtime through these hooks: its CPU count, how to unref a timer, and an async context
// so currentSignal() follows a call across its awaits (core/src/context.ts).
registerRuntime({ cpuCount: adapter.cpuCount, unrefTimer: adapter.unrefTimer!, asyncContext: new AsyncLocalStorage<CallContext>() });

export default adapter;
