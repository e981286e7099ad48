import { WorkerPoolExecutor as CoreWorkerPoolExecutor, type PoolAdapter, type WorkerPoolOptions } from "@concurrent/core";

/** `WorkerPoolExecutor` with `adapter` as its default runtime (an explicit `adapter` option wins). */
export function bindAdapter(adapter: PoolAdapter): typeof CoreWorkerPoolExecutor {
  return class WorkerPoolExecutor extends CoreWorkerPoolExecutor {
    constructor(options?: WorkerPoolOptions) {
      super(options?.adapter ? options : { ...options, adapter });
    }
  };
}
