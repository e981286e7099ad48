// The whole contract between the pool engine (runtime-agnostic, in core) and a runtime.
// An adapter spawns workers from a URL and forwards their events; queues, batching,
// futures, crash handling and shutdown live once, in the engine.

import type { TransferItem } from "../transfer.js";

/** What the engine hears from one worker. */
export interface WorkerEvents {
  /** A message the worker posted. */
  message(data: unknown): void;
  /**
   * A message from the worker that could not be deserialized (Node's `messageerror`):
   * the worker lives on, but that message is lost.
   */
  messageError(error: unknown): void;
  /**
   * The worker is gone, for whatever reason: it returned, called `process.exit()` /
   * `Deno.exit()` / `self.close()`, crashed, ran out of memory or was terminated.
   * Fires exactly once per spawned worker, after which no other event fires.
   * `error` is the uncaught error that killed it, when the runtime tells us.
   */
  exit(code: number, error?: unknown): void;
}

/** Per-worker options the engine passes through to the runtime. */
export interface SpawnOptions {
  /** A name for debugging tools (thread names, inspector). */
  name?: string;
  /**
   * V8 heap limits where the runtime supports them (Node's `resourceLimits`); adapters
   * for runtimes that do not, ignore them.
   */
  resourceLimits?: {
    maxOldGenerationSizeMb?: number;
    maxYoungGenerationSizeMb?: number;
    codeRangeSizeMb?: number;
    stackSizeMb?: number;
  };
}

/** One live worker, as the engine drives it. */
export interface WorkerHandle {
  /** Post a message (structured clone), moving the listed objects. */
  post(data: unknown, transfer?: readonly TransferItem[]): void;
  /** Stop the worker now; `exit` follows (once). Safe to call more than once. */
  terminate(): void;
  /** Let this worker keep the process alive (it has work in flight). */
  ref(): void;
  /** Let the process exit even though this worker lives (it is idle). */
  unref(): void;
}

/** A runtime: Node's worker_threads, Bun's Worker, Deno's Worker. */
export interface PoolAdapter {
  /** "node" | "bun" | "deno", for stats and error messages. */
  readonly name: string;
  /** The module the adapter's workers run: imports core's worker runner and connects it. */
  readonly workerUrl: URL;
  /**
   * Start a worker running the module at `url`. Events are delivered through `events`.
   * The worker starts unref'd (it does not keep the process alive); the engine calls
   * `ref()` while it has work in flight.
   */
  spawn(url: URL, events: WorkerEvents, options: SpawnOptions): WorkerHandle;
  /** How many CPUs the runtime reports (the default `maxWorkers`). */
  cpuCount(): number;
  /**
   * Keep a timer from holding the process open (idle-worker timers). Optional: without it
   * the engine calls the timer's own `unref()` where it has one (Node, Bun); Deno's timers
   * are numbers, so its adapter uses `Deno.unrefTimer`.
   */
  unrefTimer?(timer: ReturnType<typeof setTimeout>): void;
}
