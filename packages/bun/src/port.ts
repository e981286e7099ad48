// The worker side of the Bun adapter: core's runner talks to the host through this port.
import type { WorkerPort } from "@concurrent/core";

export function createPort(): WorkerPort {
  // Bun's worker global has no close() (DedicatedWorkerGlobalScope.close() in browsers and
  // Deno). Give tasks the same way out as on Deno: end the worker with code 0.
  const scope = globalThis as { close?: () => void };
  if (typeof scope.close !== "function") scope.close = () => process.exit(0);

  return {
    post(data, transfer) {
      postMessage(data, transfer === undefined ? [] : ([...transfer] as Transferable[]));
    },
    // A 'message' listener keeps the worker alive while it waits for work.
    listen(handler) {
      addEventListener("message", (event) => handler(event.data));
    },
    // Bun reports an uncaught error in a worker in one of two ways (Bun 1.4.5):
    // - under `bun run`, through Node's process hooks; the worker lives on, as on Node, and
    //   the worker's 'error' event does not fire;
    // - under `bun test`, the process hooks stay silent; only the worker's 'error' event
    //   fires (an unhandled rejection included: there is no 'unhandledrejection'), and the
    //   worker dies after it whatever preventDefault() says.
    // So both are hooked. Either way the runner reports the error and ends the worker with
    // exit(1); the identity check stops one error being reported twice.
    onUncaught(handler) {
      let last: { error: unknown } | undefined;
      const report = (error: unknown): void => {
        if (last?.error === error) return;
        last = { error };
        handler(error);
      };
      process.on("uncaughtException", report);
      process.on("unhandledRejection", report);
      addEventListener("error", (event) => {
        event.preventDefault();
        const { error, message } = event as ErrorEvent;
        report(error ?? new Error(message));
      });
    },
    exit(code) {
      process.exit(code);
    },
  };
}
