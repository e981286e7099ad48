// The worker side of the adapter contract: how core's task runner talks to the host
// from inside a worker. Each adapter's worker entry builds one of these and calls
// `runWorker(port)`.

import type { TransferItem } from "../transfer.js";

/** What a worker entry gives `runWorker`: its runtime's side of the channel to the host. */
export interface WorkerPort {
  /** Post a message to the host (structured clone), moving the listed objects. */
  post(data: unknown, transfer?: readonly TransferItem[]): void;
  /** Deliver every message the host posts to `handler`. */
  listen(handler: (data: unknown) => void): void;
  /**
   * Call `handler` for an error nothing caught (a throw in a timer, an unhandled
   * rejection). The runner reports it and then ends the worker with `exit(1)`, so an
   * uncaught error kills a worker on every runtime, as it does on Node.
   */
  onUncaught(handler: (error: unknown) => void): void;
  /** End this worker now with `code`. */
  exit(code: number): void;
}
