// The worker side of the Deno adapter: core's runner talks to the host through this port.
import type { WorkerPort } from "@concurrent/core";
import { exitNotice } from "./notice.js";

/**
 * The parts of Deno's worker global used here. tsc sees no Deno types in this repo, and
 * lib.dom describes a window, not a worker.
 */
interface DenoWorkerScope {
  Deno: { exit(code?: number): never };
  close(): void;
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
  addEventListener(type: "unhandledrejection", listener: (event: PromiseRejectionEvent) => void): void;
}

export function createPort(): WorkerPort {
  const scope = globalThis as unknown as DenoWorkerScope;

  // Deno fires no event on the host when a worker ends itself, so every way out posts an
  // exit notice first (see notice.ts). process.exit() goes through Deno.exit, and
  // self.close() is the global close(); both are looked up at call time, so patching the
  // properties catches tasks that call them.
  const exit = scope.Deno.exit.bind(scope.Deno);
  const close = scope.close.bind(scope);
  scope.Deno.exit = (code?: number): never => {
    scope.postMessage(exitNotice(code ?? 0), []);
    return exit(code);
  };
  scope.close = () => {
    scope.postMessage(exitNotice(0), []);
    close();
  };

  return {
    post(data, transfer) {
      scope.postMessage(data, transfer === undefined ? [] : ([...transfer] as Transferable[]));
    },
    // A 'message' listener keeps the worker alive while it waits for work.
    listen(handler) {
      scope.addEventListener("message", (event) => handler(event.data));
    },
    // preventDefault() keeps Deno from ending the worker and rethrowing the error in the
    // host; the runner reports the error and ends the worker with exit(1) itself.
    onUncaught(handler) {
      scope.addEventListener("error", (event) => {
        event.preventDefault();
        handler(event.error ?? new Error(event.message));
      });
      scope.addEventListener("unhandledrejection", (event) => {
        event.preventDefault();
        handler(event.reason);
      });
    },
    exit(code) {
      scope.Deno.exit(code);
    },
  };
}
