// The worker side of the conformance suite: a worker that does things on command, through
// the adapter's own WorkerPort (the same port core's runner gets), so the suite tests the
// worker entry's hooks too. Its uncaught-error handling mimics core's runner: report, then exit(1).
import type { WorkerPort } from "@concurrent/core";

/** Commands the suite sends; replies are arrays too, like core's protocol. */
export type Command =
  | ["echo", unknown]
  | ["transfer", ArrayBuffer]
  | ["port.exit", number]
  | ["process.exit", number]
  | ["Deno.exit", number]
  | ["close"]
  | ["throw-in-timer", string]
  | ["reject", string]
  | ["oom"]
  | ["busy", number];

interface WorkerGlobals {
  close?: () => void;
  Deno?: { exit(code: number): never };
}

export function runFixture(port: WorkerPort): void {
  const g = globalThis as WorkerGlobals;
  port.onUncaught((error) => {
    port.post(["uncaught", error instanceof Error ? error.message : String(error)]);
    port.exit(1);
  });
  port.listen((data) => {
    const command = data as Command;
    switch (command[0]) {
      case "echo":
        port.post(["echo", command[1]]);
        break;
      case "transfer": {
        const reply = new ArrayBuffer(16);
        port.post(["received", command[1].byteLength]);
        port.post(["buffer", reply], [reply]);
        port.post(["sent", reply.byteLength]);
        break;
      }
      case "port.exit":
        port.exit(command[1]);
        break;
      case "process.exit":
        process.exit(command[1]);
        break;
      case "Deno.exit":
        g.Deno?.exit(command[1]);
        break;
      case "close":
        g.close?.();
        break;
      case "throw-in-timer": {
        const message = command[1];
        setTimeout(() => {
          throw new Error(message);
        }, 1);
        break;
      }
      case "reject":
        void Promise.reject(new Error(command[1]));
        break;
      case "oom": {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array<number>(1e6).fill(hoard.length));
      }
      case "busy":
        setTimeout(() => port.post(["done"]), command[1]);
        break;
    }
  });
  port.post(["ready"]);
}
