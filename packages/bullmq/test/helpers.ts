// Shared by the bullmq tests: one real redis-server per test file, fresh queue names,
// in-process workers, concurrent-worker children.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type RedisServer } from "@concurrent/testkit/redis";
import { currentRuntime, runOn, until, type Runtime, type RunningScript } from "@concurrent/testkit/helpers";
import { taskModule } from "@concurrent/futures";
import { QueueWorker, type QueueWorkerOptions } from "@concurrent/bullmq";

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

/** A concurrent-worker child on `runtime`, resolved once it prints "ready". */
export async function startCli(runtime: Runtime, args: string[], env: Record<string, string> = {}): Promise<RunningScript> {
  const child = runOn(runtime, cli, args, { cwd: packageDir, env, denoFlags: ["-A"], boundMs: Infinity });
  let exitedEarly = false;
  void child.exited.then(() => (exitedEarly = true));
  await until(() => exitedEarly || child.stdout().includes("ready"), `concurrent-worker on ${runtime} to be ready`, 30_000);
  if (!child.stdout().includes("ready")) throw new Error(`concurrent-worker on ${runtime} exited: ${child.stderr()}`);
  return child;
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
