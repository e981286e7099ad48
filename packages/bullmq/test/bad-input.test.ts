// Bad input: unknown options, malformed URLs, unreachable or lost servers. Each fails with
// a clear error, in bounded time, and nothing hangs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ShutdownError } from "@concurrent/futures";
import { QueueExecutor, QueueWorker, RedisConnectionError } from "@concurrent/bullmq";
import { freePort, startRedis } from "@concurrent/testkit/redis";
import { queueName, redis, stopRedis, tasks } from "./helpers.js";

test("options: an unknown option is a TypeError that names it", async () => {
  const { url } = await redis();
  assert.throws(() => new QueueExecutor({ connection: url, queue: "q", concurency: 3 } as never), (e: Error) => e instanceof TypeError && /concurency/.test(e.message));
  assert.throws(() => new QueueWorker({ connection: url, queue: "q", maxWorker: 3 } as never), (e: Error) => e instanceof TypeError && /maxWorker/.test(e.message));
  assert.throws(() => new QueueExecutor({ connection: url } as never), TypeError, "queue is required");
  assert.throws(() => new QueueExecutor({ connection: url, queue: "a:b" }), TypeError);
  assert.throws(() => new QueueExecutor({ connection: url, queue: "q", attempts: 0 }), RangeError);
  assert.throws(() => new QueueWorker({ connection: url, queue: "q", modules: "file:///" } as never), TypeError);
  const ex = new QueueExecutor({ connection: url, queue: queueName("opts") });
  assert.throws(() => ex.submitWith({ sigal: undefined } as never, tasks.square, 1), TypeError);
  assert.throws(() => ex.submit(42 as never), TypeError);
  await assert.rejects(ex.shutdown({ cancelFuture: true } as never), TypeError);
  await ex.shutdown();
  assert.throws(() => ex.submit(tasks.square, 1), ShutdownError);
});

test("connection: a malformed URL is a TypeError at once", () => {
  for (const connection of ["not a url", "http://127.0.0.1:6379", "redis://", 42, null]) {
    assert.throws(() => new QueueExecutor({ connection, queue: "q" } as never), TypeError, String(connection));
    assert.throws(() => new QueueWorker({ connection, queue: "q" } as never), TypeError, String(connection));
  }
});

test("connection: an unreachable server fails submit's future with a clear error after connectTimeout", async () => {
  const port = await freePort(); // nothing listens there
  const ex = new QueueExecutor({ connection: `redis://127.0.0.1:${port}`, queue: "q", connectTimeout: 300 });
  const error = await ex.submit(tasks.square, 2).exception();
  assert.ok(error instanceof RedisConnectionError, String(error));
  assert.equal((error as RedisConnectionError).code, "ERR_REDIS_CONNECTION");
  assert.match((error as Error).message, /could not reach Redis within 300 ms/);
  assert.match((error as Error).message, /ECONNREFUSED/);
  // Once known to be down, later submits fail at once.
  const again = ex.submit(tasks.square, 3);
  assert.equal(again.done(), true);
  assert.ok((await again.exception()) instanceof RedisConnectionError);
  await ex.shutdown();
  const w = new QueueWorker({ connection: `redis://127.0.0.1:${port}`, queue: "q", connectTimeout: 300 });
  await assert.rejects(w.ready, RedisConnectionError);
  await w.close();
});

test("connection: a host that does not resolve fails with a clear error after connectTimeout", async () => {
  const ex = new QueueExecutor({ connection: "redis://no-such-host.invalid:6379", queue: "q", connectTimeout: 300 });
  const error = await ex.submit(tasks.square, 2).exception();
  assert.ok(error instanceof RedisConnectionError, String(error));
  assert.match((error as Error).message, /no-such-host\.invalid/);
  await ex.shutdown();
});

test("connection: a Redis lost while calls wait rejects them with a clear error", async () => {
  const server = await startRedis({ args: [] });
  const ex = new QueueExecutor({ connection: server.url, queue: queueName("lost"), connectTimeout: 300 });
  const f = ex.submit(tasks.square, 2); // no worker: it waits in Redis
  await new Promise((resolve) => setTimeout(resolve, 100));
  await server.stop();
  const error = await f.exception();
  assert.ok(error instanceof RedisConnectionError, String(error));
  await ex.shutdown();
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
