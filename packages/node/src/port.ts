// The worker side of the Node adapter: core's runner talks to the host through this port.
import { parentPort, type TransferListItem } from "node:worker_threads";
import type { WorkerPort } from "@concurrent/core";

export function createPort(): WorkerPort {
  const host = parentPort;
  if (host === null) throw new Error("@concurrent/node/worker must be started as a worker thread");
  return {
    post(data, transfer) {
      host.postMessage(data, transfer as readonly TransferListItem[] | undefined);
    },
    // A 'message' listener on parentPort keeps the worker alive while it waits for work.
    listen(handler) {
      host.on("message", handler);
    },
    // With a listener installed, Node no longer kills the worker on an uncaught error; the
    // runner reports it and ends the worker itself, so the host sees exit(1) as before.
    onUncaught(handler) {
      process.on("uncaughtException", handler);
      process.on("unhandledRejection", handler);
    },
    exit(code) {
      process.exit(code);
    },
  };
}
