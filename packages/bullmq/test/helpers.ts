// Shared by the bullmq tests: one real redis-server per test file, fresh queue names,
// in-process workers, concurrent-worker children.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type RedisServer } from "@concurrent/testkit/redis";
import { currentRuntime, runOn, until, type Runtime, type RunningScript } from "@concurrent/testkit/helpers";
import { AsyncPoolExecutor, taskModule } from "@concurrent/futures";
import { QueueExecutor, QueueWorker, type QueueWorkerOptions } from "@concurrent/bullmq";
import type { SuiteExecutorOptions } from "@concurrent/conformance/executor";

let server: Promise<RedisServer> | undefined;

/** This file's redis-server (started on first use). */
export function redis(): Promise<RedisServer> {
  server ??= startRedis();
  return server;
}

export async function stopRedis(): Promise<void> {
  if (server) await (await server).stop();
  server = undefined;
}

let n = 0;
export function queueName(label: string): string {
  return `t-${label}-${process.pid}-${Date.now().toString(36)}-${n++}`;
}

export const tasksUrl = new URL("./fixtures/tasks.js", import.meta.url);
export const tasks = taskModule<typeof import("./fixtures/tasks.js")>(tasksUrl);

/** A fresh temp file path. */
export function tempFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), "cf-bullmq-")), name);
}

/** An in-process QueueWorker on this file's Redis, with a small pool. */
export async function worker(queue: string, options: Partial<QueueWorkerOptions> = {}): Promise<QueueWorker> {
  const w = new QueueWorker({ connection: (await redis()).url, queue, maxWorkers: 2, ...options });
  await w.ready;
  return w;
}

export const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
export const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** A child running `script` on `runtime`, resolved once it prints `line` (rejected if it exits first). */
export async function startChild(runtime: Runtime, script: string, args: string[], line: string, env: Record<string, string> = {}): Promise<RunningScript> {
  const child = runOn(runtime, script, args, { cwd: packageDir, env, denoFlags: ["-A"], boundMs: Infinity });
  let exitedEarly = false;
  void child.exited.then(() => (exitedEarly = true));
  const name = `${basename(script)} on ${runtime}`;
  await until(() => exitedEarly || child.stdout().includes(line), `${name} to print "${line}"`, 30_000);
  if (!child.stdout().includes(line)) throw new Error(`${name} exited: ${child.stderr()}`);
  return child;
}

/** A concurrent-worker child on `runtime`, resolved once it prints "ready". */
export function startCli(runtime: Runtime, args: string[], env: Record<string, string> = {}): Promise<RunningScript> {
  return startChild(runtime, cli, args, "ready", env);
}

/**
 * Stop a concurrent-worker child with SIGTERM and wait until it has exited. True if it shut
 * down cleanly: printed "stopped" and exited 0. (Deno's child_process reports a child that
 * handled SIGTERM and exited 0 as killed by SIGTERM, so there the printed line decides.)
 */
export async function stopCli(child: RunningScript): Promise<boolean> {
  child.proc.kill("SIGTERM");
  const { code, signal } = await child.exited;
  const stopped = child.stdout().includes("concurrent-worker: stopped");
  if (currentRuntime() === "deno" && code === null && signal === "SIGTERM") return stopped;
  return stopped && code === 0;
}

/**
 * How the conformance suites make a QueueExecutor: each executor gets its own queue and one
 * in-process QueueWorker on it, whose tasks run on an AsyncPoolExecutor in this thread:
 * `maxWorkers`, `initializer` and `initArgs` are that worker's (a QueueExecutor has none of
 * its own), and its BullMQ concurrency is `maxWorkers`, so a job is active exactly while its
 * task runs. The executor's shutdown also closes its worker; `closeAll` closes what is left.
 */
export function suiteExecutors(url: string): { make(options?: SuiteExecutorOptions): QueueExecutor; closeAll(): Promise<void> } {
  const workers = new Set<QueueWorker>();
  function make(options: SuiteExecutorOptions = {}): QueueExecutor {
    const { maxWorkers = 4, initializer, initArgs, ...own } = options;
    // Validated first, so that a rejected option leaves nothing running.
    const pool = new AsyncPoolExecutor({ maxWorkers, ...(initializer ? { initializer } : {}), ...(initArgs ? { initArgs } : {}) });
    const queue = queueName("suite");
    const ex = new QueueExecutor({ connection: url, queue, ...own });
    const worker = new QueueWorker({ connection: url, queue, pool, concurrency: maxWorkers });
    workers.add(worker);
    const shutdown = ex.shutdown.bind(ex);
    let closed: Promise<void> | undefined;
    ex.shutdown = async (opts) => {
      await shutdown(opts);
      closed ??= (async () => {
        await shutdown({ wait: true });
        await worker.close();
        await pool.shutdown();
        workers.delete(worker);
      })();
      if (opts?.wait !== false) await closed;
    };
    return ex;
  }
  return {
    make,
    async closeAll() {
      for (const worker of workers) await worker.close();
    },
  };
}
