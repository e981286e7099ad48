// The pool adapter for Node: one `node:worker_threads` Worker per pool worker.
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { Worker, type TransferListItem, type WorkerOptions } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { workerEntry, type CallContext, type PoolAdapter, type SpawnOptions, type WorkerEvents, type WorkerHandle } from "@concurrent/core";
import { registerRuntime } from "@concurrent/core/kit";
import { workerSource } from "./worker-source.js";

function spawn(url: URL, events: WorkerEvents, options: SpawnOptions): WorkerHandle {
  const init: WorkerOptions = {};
  if (options.name !== undefined) init.name = options.name;
  if (options.resourceLimits !== undefined) init.resourceLimits = options.resourceLimits;
  const worker = new Worker(url, init);
  // A new worker starts unref'd: the engine refs it while it has work in flight.
  worker.unref();

  let state: "running" | "exited" = "running";
  // Node reports a crash as 'error' (the uncaught error, ERR_WORKER_OUT_OF_MEMORY, a module
  // that failed to load) followed by 'exit'; the error rides on the one `exit` we fire.
  let error: unknown;
  worker.on("message", (data: unknown) => {
    if (state === "running") events.message(data);
  });
  worker.on("messageerror", (err: Error) => {
    if (state === "running") events.messageError(err);
  });
  worker.on("error", (err: Error) => {
    error ??= err;
  });
  // 'exit' fires once for every way a worker ends, terminate() included.
  worker.once("exit", (code: number) => {
    if (state === "exited") return;
    state = "exited";
    events.exit(code, error);
  });

  return {
    post(data, transfer) {
      // core types the list loosely (TransferItem = object); Node names these objects TransferListItem.
      worker.postMessage(data, transfer as readonly TransferListItem[] | undefined);
    },
    terminate() {
      if (state === "running") void worker.terminate();
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

/** The Node `PoolAdapter`: what `WorkerPoolExecutor` from `@concurrent/futures` uses on Node. */
export const adapter: PoolAdapter = {
  name: "node",
  // Resolved on first use: the worker module beside this file, or the embedded copy when
  // the program was bundled or compiled without it (see core's worker-entry.ts).
  get workerUrl(): URL {
    return (workerUrl ??= workerEntry({
      file: new URL("./worker.js", import.meta.url),
      packageName: "@concurrent/node",
      embedded: workerSource,
      readText,
    }));
  },
  spawn,
  // availableParallelism() honours CPU affinity, unlike os.cpus().length.
  cpuCount: () => availableParallelism(),
};

// Core asks the runtime through these hooks: its CPU count, and an async context
// so currentSignal() follows a call across its awaits (core/src/context.ts).
registerRuntime({ cpuCount: adapter.cpuCount, asyncContext: new AsyncLocalStorage<CallContext>() });

export default adapter;
