import { WorkerPoolExecutor as CoreWorkerPoolExecutor, type PoolAdapter, type WorkerPoolOptions } from "@concurrent/core";

/** `WorkerPoolExecutor` with `adapter` as its default runtime (an explicit `adapter` option wins). */
export function bindAdapter(adapter: PoolAdapter): typeof CoreWorkerPoolExecutor {
  // The class is anonymous and named afterwards: a class named after the one it extends
  // (`class WorkerPoolExecutor extends WorkerPoolExecutor`) is a self-reference ("Cannot
  // access 'WorkerPoolExecutor' before initialization") once a bundler's scope hoisting
  // renames the import to the same identifier (esbuild, deno bundle).
  const Bound = class extends CoreWorkerPoolExecutor {
    constructor(options?: WorkerPoolOptions) {
      super(options?.adapter ? options : { ...options, adapter });
    }
  };
  Object.defineProperty(Bound, "name", { value: "WorkerPoolExecutor" });
  return Bound;
}
