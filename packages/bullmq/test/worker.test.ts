// QueueWorker and concurrent-worker: the pool behind them, close(), the CLI, and
// at-least-once execution when a worker process is killed mid-task.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { WorkerExitedError } from "@concurrent/futures";
import { QueueExecutor, QueueWorker } from "@concurrent/bullmq";
import { startRedis } from "@concurrent/testkit/redis";
import { currentRuntime, sleep, until } from "@concurrent/testkit/helpers";
import { queueName, redis, startCli, stopCli, stopRedis, tasks, tempFile, worker } from "./helpers.js";

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
}

test("QueueWorker runs tasks in a WorkerPoolExecutor: two CPU-bound tasks run at once on two threads", async () => {
  const queue = queueName("pool");
  const w = await worker(queue, { maxWorkers: 2 });
  const ex = new QueueExecutor({ connection: (await redis()).url, queue });
  const file = tempFile("threads");
  // Each spins without yielding until both have started: only true if they ran in parallel.
  const [a, b] = await Promise.all([ex.submit(tasks.meet, file, 2, 15_000), ex.submit(tasks.meet, file, 2, 15_000)]);
  assert.equal(a, true);
  assert.equal(b, true);
  assert.equal(new Set(lines(file)).size, 2, "two different threads");
  await ex.shutdown();
  await w.close();
});

test("QueueWorker.close() lets running tasks finish, then stops taking jobs", async () => {
  const queue = queueName("close");
  const w = await worker(queue);
  const ex = new QueueExecutor({ connection: (await redis()).url, queue });
  const f = ex.submit(tasks.sleep, 300);
  await until(() => f.running(), "the task to start");
  await w.close();
  assert.equal(f.state, "finished");
  assert.equal(await f, 300);
  const later = ex.submit(tasks.square, 2);
  const w2 = await worker(queue);
  assert.equal(await later, 4, "the next worker takes what the closed one left");
  await ex.shutdown();
  await w2.close();
});

test("at-least-once: a SIGKILLed worker's task runs again on another; after maxStalledCount stalls it fails with WorkerExitedError", async () => {
  const { url } = await redis();
  const queue = queueName("stall");
  const rt = currentRuntime();
  const args = ["--connection", url, "--queue", queue, "--max-workers", "1", "--lock-duration", "1000", "--stalled-interval", "500", "--max-stalled-count", "1"];
  const ex = new QueueExecutor({ connection: url, queue });

  // 1. Killed once: the task runs again on the next worker and the future resolves once.
  const file1 = tempFile("runs");
  const a = await startCli(rt, args);
  const f1 = ex.submit(tasks.mark, file1, "run", 1500);
  await until(() => lines(file1).length === 1, "the task to start on worker A");
  a.proc.kill("SIGKILL");
  await a.exited;
  const b = await startCli(rt, args);
  const pid = await f1;
  assert.equal(pid, b.proc.pid, "the result came from worker B");
  assert.deepEqual(lines(file1), [`run ${a.proc.pid}`, `run ${b.proc.pid}`]);

  // 2. Killed twice with maxStalledCount 1: the first stall is put back, the second fails it.
  const file2 = tempFile("runs");
  const f2 = ex.submit(tasks.mark, file2, "run", 60_000);
  await until(() => lines(file2).length === 1, "the task to start on worker B");
  b.proc.kill("SIGKILL");
  await b.exited;
  const c = await startCli(rt, args);
  await until(() => lines(file2).length === 2, "the task to run again on worker C");
  c.proc.kill("SIGKILL");
  await c.exited;
  const d = await startCli(rt, args);
  const error = await f2.exception();
  assert.ok(error instanceof WorkerExitedError, String(error));
  assert.equal((error as WorkerExitedError).code, "ERR_WORKER_EXITED");
  assert.equal(lines(file2).length, 2, "not run a third time");
  await ex.shutdown();
  assert.equal(await stopCli(d), true, "concurrent-worker exits cleanly on SIGTERM");
});

/** Rejects if `promise` has not settled within `ms`: a bound against a hang, not a timing assertion. */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} hung (${ms} ms)`)), ms)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

test("QueueWorker.close() finishes when Redis died while a task was running", async () => {
  const server = await startRedis({ args: [] });
  const queue = queueName("close-redis-gone");
  const w = new QueueWorker({ connection: server.url, queue, maxWorkers: 1, connectTimeout: 1000 });
  await w.ready;
  const ex = new QueueExecutor({ connection: server.url, queue, connectTimeout: 1000 });
  const f = ex.submit(tasks.sleep, 1500);
  await until(() => f.running(), "the task to start");
  await server.stop(); // Redis dies mid-task …
  await sleep(2500); // … and the task finishes while it is gone: its result cannot be written
  await bounded(w.close(), 30_000, "QueueWorker.close() after Redis died");
  await bounded(ex.shutdown({ wait: false }), 30_000, "QueueExecutor.shutdown() after Redis died");
});

test("concurrent-worker: SIGTERM stops it when Redis died while a task was running", async () => {
  const server = await startRedis({ args: [] });
  const queue = queueName("cli-redis-gone");
  const child = await startCli(currentRuntime(), ["--connection", server.url, "--queue", queue, "--max-workers", "1", "--connect-timeout", "1000"]);
  const ex = new QueueExecutor({ connection: server.url, queue, connectTimeout: 1000 });
  const f = ex.submit(tasks.sleep, 1500);
  await until(() => f.running(), "the task to start");
  await server.stop();
  await sleep(2500);
  await bounded(stopCli(child), 30_000, "concurrent-worker after SIGTERM");
  await bounded(ex.shutdown({ wait: false }), 30_000, "QueueExecutor.shutdown() after Redis died");
});

test("concurrent-worker: runs tasks, warns once without a secret, exits on SIGTERM", async () => {
  const { url } = await redis();
  const queue = queueName("cli");
  const child = await startCli(currentRuntime(), ["--connection", url, "--queue", queue, "--max-workers", "2"]);
  const ex = new QueueExecutor({ connection: url, queue });
  assert.deepEqual(await Promise.all([1, 2, 3].map((n) => ex.submit(tasks.square, n))), [1, 4, 9]);
  const out: number[] = [];
  for await (const v of ex.map((n: number) => n + 1, [1, 2, 3, 4], { chunksize: 2 })) out.push(v);
  assert.deepEqual(out, [2, 3, 4, 5]);
  await ex.shutdown();
  assert.equal(await stopCli(child), true, child.stderr());
  const warnings = child.stderr().match(/WARNING: no secret/g) ?? [];
  assert.equal(warnings.length, 1, child.stderr());
  assert.match(child.stderr(), /anyone who can write to this Redis can run code/);
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
