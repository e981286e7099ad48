// The entry the "node" export condition picks: WorkerPoolExecutor runs on @concurrent/node.
import type { WorkerPoolExecutor as CoreWorkerPoolExecutor } from "@concurrent/core";
import { adapter } from "@concurrent/node";
import { bindAdapter } from "./bind.js";

export * from "@concurrent/core";
export { adapter };
export const WorkerPoolExecutor: typeof CoreWorkerPoolExecutor = bindAdapter(adapter);
export type WorkerPoolExecutor = CoreWorkerPoolExecutor;
