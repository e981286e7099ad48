// A child process (same runtime as the suite) that holds one pool worker and then lets go,
// so the suite can see whether the worker keeps the process alive. It prints the messages
// it got; the suite reads stdout and the exit code.
import type { PoolAdapter } from "@concurrent/core";

export type ChildMode =
  /** Unref'd once loaded, with nothing to do: the process must exit by itself. */
  | "idle"
  /** Ref'd while a 1 s job runs, unref'd when it is done: the process must wait for it. */
  | "busy-ref"
  /** Unref'd while that job runs: the process exits without waiting (the control case). */
  | "busy-unref"
  /**
   * A task throws in a timer, outside a test runner (Bun hooks uncaught errors in workers
   * differently under `bun test` and `bun run`).
   */
  | "uncaught";

export function runChild(adapter: PoolAdapter, fixture: URL, mode: ChildMode): void {
  const handle = adapter.spawn(
    fixture,
    {
      message(data) {
        const [kind] = data as [string];
        console.log(kind);
        if (kind === "ready") {
          if (mode === "uncaught") handle.post(["throw-in-timer", "boom"]);
          else {
            if (mode !== "busy-ref") handle.unref();
            if (mode !== "idle") handle.post(["busy", 1000]);
          }
        } else if (kind === "done") {
          handle.unref();
        }
      },
      messageError() {},
      exit(code) {
        console.log(`exit ${code}`);
      },
    },
    { name: `child-${mode}` },
  );
  // Held while it loads, as the pool holds a worker that has work waiting.
  handle.ref();
}

export function parseMode(arg: string | undefined): ChildMode {
  if (arg === "idle" || arg === "busy-ref" || arg === "busy-unref" || arg === "uncaught") return arg;
  throw new Error(`unknown child mode ${String(arg)}`);
}
