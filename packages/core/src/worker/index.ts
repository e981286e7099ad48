export { runWorker } from "./runner.js";
export type { WorkerPort } from "./port.js";
export { registerAsyncContext, type AsyncContext, type CallContext } from "../context.js";
