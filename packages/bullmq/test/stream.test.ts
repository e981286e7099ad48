// Streaming tasks through Redis (SPEC "Streaming tasks", issue 17), what only the queue
// executor shows: a stream's Redis keys expire while it is open and go when it closes, a
// worker process SIGKILLed mid-stream whose re-run the consumer de-duplicates by index, and a
// stream whose processes both died expiring from Redis. The rest of the section is the
// conformance stream suite (stream-suite.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { CancelledError, type TaskStream } from "@concurrent/futures";
import { QueueExecutor, type QueueFuture } from "@concurrent/bullmq";
import { currentRuntime, until, type RunningScript } from "@concurrent/testkit/helpers";
import { queueName, redis, startChild, startCli, stopCli, stopRedis, tasks, tempFile, worker } from "./helpers.js";

const streamParty = fileURLToPath(new URL("./fixtures/stream-party.js", import.meta.url));

async function all<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of stream) out.push(v);
  return out;
}

async function rejection(p: PromiseLike<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

/** How many values the task has yielded so far (it writes "<count> <pid>" to `file`). */
function progress(file: string): { count: number; pid: number } {
  if (!existsSync(file)) return { count: 0, pid: 0 };
  const [count, pid] = readFileSync(file, "utf8").split(" ").map(Number);
  return { count: count ?? 0, pid: pid ?? 0 };
}

async function setup(label: string, maxWorkers = 2) {
  const { url } = await redis();
  const queue = queueName(label);
  const w = await worker(queue, { maxWorkers });
  const ex = new QueueExecutor({ connection: url, queue });
  return {
    ex,
    url,
    queue,
    async close() {
      await ex.shutdown({ cancelFutures: true });
      await w.close();
    },
  };
}

test("queue stream: break closes the task on its worker thread (finally runs); the stream's keys expire while it is open and are removed when it closes", async () => {
  const s = await setup("break");
  const client = new Redis(s.url);
  try {
    const file = tempFile("progress");
    const stream = s.ex.stream(tasks.countInto, file, 1_000_000, 1);
    const jobKey = `bull:${s.queue}:${(stream.future as QueueFuture<number>).jobId}`;
    let got = 0;
    for await (const v of stream) {
      assert.equal(v, got);
      if (got === 5) {
        // While it is open, both keys expire unless renewed: a dead process leaves nothing behind.
        assert.ok((await client.pttl(`${jobKey}:sc`)) > 0, "the control key has a time to live");
      }
      if (++got === 20) break;
    }
    const error = await rejection(stream.future);
    assert.ok(error instanceof CancelledError, `got ${String(error)}`);
    assert.ok(existsSync(`${file}.done`), "the generator's finally ran on the worker");
    assert.ok(progress(file).count < 1000, "it stopped");
    await until(async () => (await client.exists(`${jobKey}:sv`, `${jobKey}:sc`)) === 0, "the stream's keys to go");
    assert.equal(s.ex.stats().cancelled, 1);
    assert.deepEqual(await all(s.ex.stream(tasks.countTo, 3)), [0, 1, 2], "the worker carries on");
  } finally {
    client.disconnect();
    await s.close();
  }
});

test("queue stream: a worker process SIGKILLed mid-stream — the re-run starts over, the consumer skips what it has: every value once, in order", async () => {
  const { url } = await redis();
  const queue = queueName("stream-stall");
  const rt = currentRuntime();
  // A stall count to spare: on a loaded machine a live worker's lock renewal can be late,
  // and a spurious extra stall only runs the stream once more (the consumer skips it too).
  const args = ["--connection", url, "--queue", queue, "--max-workers", "1", "--lock-duration", "1000", "--stalled-interval", "500", "--max-stalled-count", "3"];
  const ex = new QueueExecutor({ connection: url, queue });
  const a = await startCli(rt, args);
  let b: Awaited<ReturnType<typeof startCli>> | undefined;
  try {
    const file = tempFile("progress");
    const n = 60;
    const stream: TaskStream<number, number> = ex.streamWith({ highWaterMark: 8 }, tasks.countInto, file, n, 20);
    const got: number[] = [];
    for await (const v of stream) {
      got.push(v);
      if (got.length === 25) {
        assert.equal(progress(file).pid, a.proc.pid);
        a.proc.kill("SIGKILL");
        await a.exited;
        b = await startCli(rt, args);
      }
    }
    assert.deepEqual(got, Array.from({ length: n }, (_, i) => i), "each value once, in order");
    assert.equal(await stream.future, n);
    assert.equal(progress(file).pid, b!.proc.pid, "the rest came from the second worker's run");
  } finally {
    await ex.shutdown({ cancelFutures: true });
    if (b) assert.equal(await stopCli(b), true);
    a.proc.kill("SIGKILL");
  }
});

test("queue stream: a stream left open by processes that died expires — its consumer's process, then its worker's, SIGKILLed: no key of the stream is left", async () => {
  const { url } = await redis();
  const queue = queueName("stream-expire");
  const rt = currentRuntime();
  const ttl = 1000; // ms (60 s by default): stream-party shortens it in both processes
  const client = new Redis(url);
  let producer: RunningScript | undefined;
  let consumer: RunningScript | undefined;
  try {
    producer = await startChild(rt, streamParty, ["worker", url, queue, String(ttl)], "ready");
    consumer = await startChild(rt, streamParty, ["consumer", url, queue, String(ttl), tempFile("progress")], "job ");
    const jobKey = /job (\S+)/.exec(consumer.stdout())![1]!;
    const keys = [`${jobKey}:sv`, `${jobKey}:sc`];
    consumer.proc.kill("SIGKILL");
    await consumer.exited;
    // The worker sends what its credit allows, and nobody reads it any more.
    await until(async () => (await client.exists(keys[0]!)) === 1, "values the dead consumer never reads");
    producer.proc.kill("SIGKILL");
    await producer.exited;
    // -1: a key without a time to live, which nothing would ever remove (-2: expired already).
    for (const key of keys) assert.notEqual(await client.pttl(key), -1, `${key} has a time to live`);
    await until(async () => (await client.exists(...keys)) === 0, "the stream's keys to expire", ttl + 10_000);
  } finally {
    client.disconnect();
    consumer?.proc.kill("SIGKILL");
    producer?.proc.kill("SIGKILL");
  }
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
