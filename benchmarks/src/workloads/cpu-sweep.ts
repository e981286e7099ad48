// The CPU-bound half of the scaleout suite: one batch of fib(27) module tasks through a
// QueueExecutor, run by 1 and then 2 QueueWorker processes of `maxWorkers` 1 each
// (on a 2-core machine, 2 processes use both cores), in interleaved rounds. What a second
// machine buys, measured on one: the speedup of 2 processes over 1, minus Redis overhead.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { QueueExecutor } from "@concurrent/bullmq";
import { taskModule } from "@concurrent/futures";
import { measureInterleaved, type CaseSpec } from "../harness/measure.js";
import type { Progress } from "../harness/progress.js";
import { selfCommand } from "../harness/runtime.js";
import type { BenchCase } from "@concurrent/bench-schema";

const tasks = taskModule<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url));

const FIB_N = 27;
const FIB_27 = 196_418;

/** A QueueWorker process of maxWorkers 1 (scaleout-worker.ts: `concurrent-worker` that also exits with its parent). */
const WORKER_SCRIPT = fileURLToPath(new URL("../entries/queue-worker.js", import.meta.url));

/** The worker processes of the sweep: stopped by `stop`/`close`, SIGKILLed if this process exits first, and they exit on their own when its stdin pipe closes. */
export class WorkerProcesses {
  readonly #children = new Set<ChildProcess>();
  readonly #onExit = () => {
    for (const c of this.#children) c.kill("SIGKILL");
  };

  constructor() {
    // If this process dies with the sweep's children alive, take them along.
    process.on("exit", this.#onExit);
  }

  /** Starts a worker process of maxWorkers 1 on this runtime; resolves once it says ready. */
  async start(connection: string, queue: string): Promise<ChildProcess> {
    const [bin, args] = selfCommand(WORKER_SCRIPT, [connection, queue]);
    // stdin is a pipe the child watches: it closes when this process dies, however it dies.
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-2000)));
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => fail(new Error(`worker process not ready within 30 s: ${stderr.trim()}`)), 30_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(error);
      };
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code, signal) => fail(new Error(`worker process exited (${code ?? signal}) before it was ready: ${stderr.trim()}`)));
    });
    return child;
  }

  /** SIGTERM (running tasks finish), SIGKILL after 5 s. */
  async stop(children: Iterable<ChildProcess> = this.#children): Promise<void> {
    await Promise.all(
      [...children].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  async close(): Promise<void> {
    await this.stop();
    process.off("exit", this.#onExit);
  }
}

export interface CpuSweepParameters {
  /** fib(27) tasks per iteration. */
  cpuTasks: number;
  /** Worker process counts of the sweep. */
  processes: number[];
  cpuRounds: number;
  /** Timed iterations per case and round. */
  cpuIterations: number;
}

export function cpuSweepParameters(ci: boolean): CpuSweepParameters {
  // Short iterations, many rounds: on a shared machine a burst of someone else's load then
  // hits a few samples of both cases, not the median of one.
  return { cpuTasks: ci ? 150 : 200, processes: [1, 2], cpuRounds: ci ? 3 : 4, cpuIterations: 2 };
}

/** The sweep's cases: `cpu-fib27 <n> process(es)`, one QueueExecutor and n worker processes each, on its own queue. */
export async function cpuSweep(connection: string, p: CpuSweepParameters, progress: Progress): Promise<BenchCase[]> {
  const workers = new WorkerProcesses();
  const executors: QueueExecutor[] = [];
  try {
    const specs: CaseSpec[] = p.processes.map((n) => {
      const queue = `bench-cpu-${n}`;
      let ex: QueueExecutor | undefined;
      let children: ChildProcess[] = [];
      return {
        name: `cpu-fib27 ${n} QueueWorker process${n === 1 ? "" : "es"}`,
        group: "cpu-sweep",
        labels: { executor: "QueueExecutor", taskKind: "cpu-fib", maxWorkers: 1, processes: n },
        ops: p.cpuTasks,
        setup: async () => {
          children = await Promise.all(Array.from({ length: n }, () => workers.start(connection, queue)));
          ex = new QueueExecutor({ connection, queue });
          executors.push(ex);
        },
        run: async () => {
          const results = await Promise.all(Array.from({ length: p.cpuTasks }, () => ex!.submit(tasks.fib, FIB_N)));
          for (const r of results) if (r !== FIB_27) throw new Error(`wrong result: fib(${FIB_N}) = ${r}, expected ${FIB_27}`);
        },
        teardown: async () => {
          await ex?.shutdown().catch(() => {});
          await workers.stop(children);
        },
      };
    });
    return await measureInterleaved(specs, { rounds: p.cpuRounds, iterations: p.cpuIterations, timeMs: 1, iterationTimeoutMs: 60_000, warmupIterations: 1, progress });
  } finally {
    // After a failed or hung case: don't wait on calls whose workers are gone.
    const shut = Promise.all(executors.map((ex) => ex.shutdown({ cancelFutures: true }).catch(() => {})));
    await Promise.race([shut, new Promise((resolve) => (setTimeout(resolve, 5000) as { unref?: () => void }).unref?.())]);
    await workers.close();
  }
}
