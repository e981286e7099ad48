// The pool adapter for Bun: one Bun `Worker` (web-style, with Bun's ref/unref and 'close').
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { workerEntry, type CallContext, type PoolAdapter, type SpawnOptions, type WorkerEvents, type WorkerHandle } from "@concurrent/core";
import { registerRuntime } from "@concurrent/core/kit";
import { workerSource } from "./worker-source.js";

function spawn(url: URL, events: WorkerEvents, options: SpawnOptions): WorkerHandle {
  // Bun has no per-worker heap limit, so `resourceLimits` is ignored.
  const init: WorkerOptions = { type: "module" };
  if (options.name !== undefined) init.name = options.name;
  const worker = new Worker(url, init);
  // A new worker starts unref'd: the engine refs it while it has work in flight.
  worker.unref();

  let state: "running" | "exited" = "running";
  // Bun reports a crash as an 'error' event (with `error` null and the text in `message`)
  // followed by 'close'; the error rides on the one `exit` we fire.
  let error: unknown;
  worker.addEventListener("message", (event) => {
    if (state === "running") events.message(event.data);
  });
  worker.addEventListener("messageerror", (event) => {
    if (state === "running") events.messageError(event.data);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    error ??= event.error ?? new Error(event.message);
  });
  // 'close' fires once for every way a worker ends: returning, process.exit(), a crash, terminate().
  worker.addEventListener("close", (event) => {
    if (state === "exited") return;
    state = "exited";
    // An unhandled rejection that escaped the worker entry closes the worker with code 0
    // (Bun 1.4); a worker that died of an error did not succeed.
    events.exit(event.code === 0 && error !== undefined ? 1 : event.code, error);
  });

  return {
    post(data, transfer) {
      worker.postMessage(data, transfer === undefined ? [] : ([...transfer] as Transferable[]));
    },
    terminate() {
      if (state === "running") worker.terminate();
    },
    ref() {
      worker.ref();
    },
    unref() {
      worker.unref();
    },
  };
}

let workerUrl: URL | undefined;

function readText(url: URL): string | undefined {
  try {
    return readFileSync(url, "utf8");
  } catch {
    return undefined;
  }
}

/** The Bun `PoolAdapter`: what `WorkerPoolExecutor` from `@concurrent/futures` uses on Bun. */
export const adapter: PoolAdapter = {
  name: "bun",
  // Resolved on first use: the worker module beside this file, or the embedded copy when
  // the program was bundled or compiled without it (see core's worker-entry.ts).
  get workerUrl(): URL {
    return (workerUrl ??= workerEntry({
      file: new URL("./worker.js", import.meta.url),
      packageName: "@concurrent/bun",
      embedded: workerSource,
      readText,
    }));
  },
  spawn,
  cpuCount: () => navigator.hardwareConcurrency,
};

// Core asks the runtime through these hooks: its CPU count, and an async context
// so currentSignal() follows a call across its awaits (core/src/context.ts).
// plainFutures: JSC runs `then` on a promise subclass (a Future) on its slow path.
registerRuntime({ cpuCount: adapter.cpuCount, asyncContext: new AsyncLocalStorage<CallContext>(), plainFutures: true });

export default adapter;
