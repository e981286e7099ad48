// The module every pool worker runs on Bun: core's task runner on this worker's port.
import { AsyncLocalStorage } from "node:async_hooks";
import { registerAsyncContext, runWorker, type CallContext } from "@concurrent/core/worker";
import { createPort } from "./port.js";

// currentSignal() inside an AsyncPoolExecutor that a task runs here (core/src/context.ts).
registerAsyncContext(new AsyncLocalStorage<CallContext>());
runWorker(createPort());
