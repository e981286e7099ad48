// `streamWith` written once for every executor that runs streams: the options are checked
// (those of submitWith, and highWaterMark) before anything is scheduled, then the executor
// opens the stream its own way. An executor extends this instead of `Executor` and writes
// only `openStream`.
import { Executor, type Task } from "../executor.js";
import { checkStreamOptions } from "../stream/options.js";
import type { StreamOptions, StreamReturn, StreamSource, StreamYield, TaskStream } from "../stream/task-stream.js";

export abstract class StreamingExecutor extends Executor {
  override streamWith<A extends unknown[], T extends StreamSource>(options: StreamOptions, fn: Task<A, T>, ...args: A): TaskStream<StreamYield<T>, StreamReturn<T>> {
    const stream = this.openStream(checkStreamOptions(options), options, fn as unknown as Task<unknown[], StreamSource>, args);
    return stream as unknown as TaskStream<StreamYield<T>, StreamReturn<T>>;
  }

  /** Schedule the stream call; `options` are checked and `highWaterMark` is resolved (its default applied). */
  protected abstract openStream(highWaterMark: number, options: StreamOptions, fn: Task<unknown[], StreamSource>, args: unknown[]): TaskStream<unknown, unknown>;
}
