// Time limits and cancellation on the queue (issue 16): aborting a running job reaches the
// task's currentSignal() on the worker's machine (a pub/sub channel, abort.ts); the run-time
// timeout and grace apply where the task runs; queueTimeout bounds the wait. Against a real
// redis-server, with an in-process QueueWorker (its pool threads are the "remote machine").
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { currentSignal, TimeoutError } from "@concurrent/futures";
import { QueueExecutor } from "@concurrent/bullmq";
import { until } from "@concurrent/testkit/helpers";
import { queueName, redis, stopRedis, tasks, tempFile, worker } from "./helpers.js";

async function executor(queue: string): Promise<QueueExecutor> {
  return new QueueExecutor({ connection: (await redis()).url, queue });
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);
const has = (file: string, word: string) => () => lines(file).some((l) => l.startsWith(word));

for (const how of ["abort", "timeout"] as const) {
  test(`queue: a module task that honours currentSignal() stops on ${how} on the worker, cleans up, and its thread is kept`, async () => {
    const queue = queueName(`honour-${how}`);
    const ex = await executor(queue);
    const w = await worker(queue, { maxWorkers: 1 });
    try {
      const file = tempFile("honour");
      const controller = new AbortController();
      const f = ex.submitWith(how === "abort" ? { signal: controller.signal } : { timeout: 200 }, tasks.untilAborted, file);
      await until(has(file, "started"), "the task to start");
      if (how === "abort") controller.abort(new Error("the caller gave up"));
      const error = (await f.exception()) as Error;
      if (how === "abort") assert.equal(error.message, "the caller gave up");
      else assert.ok(error instanceof TimeoutError, String(error));
      await until(has(file, "cleaned"), "the task's cleanup on the worker");
      const thread = lines(file)[0]!.split(" ")[1];
      assert.equal(await ex.submit(tasks.threadOf), thread, "the same pool thread runs the next call (no respawn)");
      assert.equal(ex.stats().failed, 1);
    } finally {
      await ex.shutdown({ cancelFutures: true });
      await w.close();
    }
  });
}

test("queue: a function task sent by source calls currentSignal() by name on the worker", async () => {
  const queue = queueName("fn-signal");
  const ex = await executor(queue);
  const w = await worker(queue, { maxWorkers: 1 });
  try {
    const file = tempFile("fn");
    const controller = new AbortController();
    const f = ex.submitWith({ signal: controller.signal }, async (path: string) => {
      const fs = await import("node:fs");
      fs.appendFileSync(path, "started\n");
      while (!currentSignal().aborted) await new Promise((resolve) => setTimeout(resolve, 2));
      fs.appendFileSync(path, `cleaned ${String(currentSignal().reason)}\n`);
      return "cleaned up";
    }, file);
    await until(has(file, "started"), "the task to start");
    controller.abort("stop now");
    assert.equal(await f.exception(), "stop now");
    await until(has(file, "cleaned"), "the cleanup");
    assert.deepEqual(lines(file), ["started", "cleaned stop now"], "the task saw the caller's reason");
  } finally {
    await ex.shutdown({ cancelFutures: true });
    await w.close();
  }
});

test("queue: a call behind a long one with a timeout shorter than its wait but longer than its run completes; past its queueTimeout a call never runs", async () => {
  const queue = queueName("run-vs-queue");
  const ex = await executor(queue);
  const w = await worker(queue, { maxWorkers: 1 });
  try {
    const file = tempFile("marks");
    const long = ex.submit(tasks.sleep, 800);
    const short = ex.submitWith({ timeout: 300 }, tasks.square, 3);
    const late = ex.submitWith({ queueTimeout: 200 }, tasks.mark, file, "late");
    assert.equal(await long, 800);
    assert.equal(await short, 9);
    assert.ok((await late.exception()) instanceof TimeoutError);
    assert.deepEqual(lines(file), [], "the call past its queueTimeout never ran");
  } finally {
    await ex.shutdown({ cancelFutures: true });
    await w.close();
  }
});

test("queue: a task that ignores its signal is stopped after grace on the worker; the worker carries on", async () => {
  const queue = queueName("ignore");
  const ex = await executor(queue);
  const w = await worker(queue, { maxWorkers: 1 });
  try {
    const file = tempFile("ignore");
    const f = ex.submitWith({ timeout: 100, grace: 100 }, tasks.ignoreSignal, file);
    assert.ok((await f.exception()) instanceof TimeoutError);
    const thread = lines(file)[0]!.split(" ")[1];
    assert.equal(await ex.submit(tasks.square, 7), 49, "the worker carries on");
    assert.notEqual(await ex.submit(tasks.threadOf), thread, "on a new pool thread");
  } finally {
    await ex.shutdown({ cancelFutures: true });
    await w.close();
  }
});

test("queue: submitWith with a bad timeout, queueTimeout or grace is a TypeError/RangeError naming it; the executor carries on", async () => {
  const queue = queueName("bad-limits");
  const ex = await executor(queue);
  const w = await worker(queue, { maxWorkers: 1 });
  try {
    for (const option of ["timeout", "queueTimeout", "grace"]) {
      for (const [value, type] of [[-1, RangeError], [NaN, RangeError], ["5", TypeError]] as const) {
        assert.throws(() => ex.submitWith({ [option]: value }, tasks.square, 2), (e: Error) => e instanceof type && e.message.includes(option), `${option} ${String(value)}`);
      }
    }
    assert.equal(await ex.submitWith({ timeout: 60_000, queueTimeout: 60_000, grace: 10 }, tasks.square, 4), 16);
    assert.equal(ex.stats().completed, 1);
  } finally {
    await ex.shutdown({ cancelFutures: true });
    await w.close();
  }
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
