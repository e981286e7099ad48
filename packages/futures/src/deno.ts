// The entry the "deno" export condition picks: WorkerPoolExecutor runs on @concurrent/deno.
import type { WorkerPoolExecutor as CoreWorkerPoolExecutor } from "@concurrent/core";
import { adapter } from "@concurrent/deno";
import { bindAdapter } from "./bind.js";

export * from "@concurrent/core";
export { adapter };
export const WorkerPoolExecutor: typeof CoreWorkerPoolExecutor = bindAdapter(adapter);
export type WorkerPoolExecutor = CoreWorkerPoolExecutor;
