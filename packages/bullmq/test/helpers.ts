// Shared by the bullmq tests: one real redis-server per test file, fresh queue names,
// in-process workers, child processes.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type RedisServer } from "@concurrent/testkit/redis";
import { runtimes } from "@concurrent/testkit/runtimes";
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` until it is true; throws after `ms` (a bound against hangs, not a timing assertion). */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await sleep(20);
  }
}

export const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
export const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** The runtime this suite runs on, and the binaries of all of them. */
export function currentRuntime(): "node" | "bun" | "deno" {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Deno ? "deno" : g.Bun ? "bun" : "node";
}

export function runtimeBin(runtime: "node" | "bun" | "deno"): string {
  const rt = runtimes().find((r) => r.runtime === runtime && r.bin);
  if (!rt?.bin) throw new Error(`no ${runtime} binary found`);
  return rt.bin;
}

/** argv to run a script file on `runtime`. */
export function runArgs(runtime: "node" | "bun" | "deno", script: string, args: string[]): [string, string[]] {
  const bin = runtimeBin(runtime);
  if (runtime === "deno") return [bin, ["run", "-A", script, ...args]];
  return [bin, [script, ...args]];
}

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start a child process in this package's directory, collecting its output. */
export function start(bin: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(bin, args, { cwd: packageDir, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { proc, stdout: () => out, stderr: () => err, exited };
}

/** A concurrent-worker child on `runtime`, resolved once it prints "ready". */
export async function startCli(runtime: "node" | "bun" | "deno", args: string[], env: Record<string, string> = {}): Promise<Child> {
  const [bin, argv] = runArgs(runtime, cli, args);
  const child = start(bin, argv, env);
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
export async function stopCli(child: Child): Promise<boolean> {
  child.proc.kill("SIGTERM");
  const { code, signal } = await child.exited;
  const stopped = child.stdout().includes("concurrent-worker: stopped");
  if (currentRuntime() === "deno" && code === null && signal === "SIGTERM") return stopped;
  return stopped && code === 0;
}
