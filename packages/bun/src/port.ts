// The worker side of the Bun adapter: core's runner talks to the host through this port.
import type { WorkerPort } from "@concurrent/core";

export function createPort(): WorkerPort {
  // Bun's worker global has no close() (DedicatedWorkerGlobalScope.close() in browsers and
  // Deno). Give tasks the same way out as on Deno: end the worker with code 0.
  const scope = globalThis as { close?: () => void };
  if (typeof scope.close !== "function") scope.close = () => process.exit(0);

  return {
    post(data, transfer) {
      postMessage(data, transfer === undefined ? [] : [...transfer]);
    },
    // A 'message' listener keeps the worker alive while it waits for work.
    listen(handler) {
      addEventListener("message", (event) => handler(event.data));
    },
    // Bun runs Node's process hooks in workers. Its web-style 'error' event would also see
    // the error, but preventDefault() does not save the worker there, and an unhandled
    // rejection arrives as 'error' rather than 'unhandledrejection'. The process hooks
    // behave as on Node: the worker lives on until the runner ends it with exit(1).
    onUncaught(handler) {
      process.on("uncaughtException", handler);
      process.on("unhandledRejection", handler);
    },
    exit(code) {
      process.exit(code);
    },
  };
}
