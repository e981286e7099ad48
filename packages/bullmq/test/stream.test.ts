// Streaming tasks through Redis (SPEC "Streaming tasks", issue 17): values cross the queue
// as the task yields them, with back-pressure, early close, errors at their position, and a
// worker process SIGKILLed mid-stream whose re-run the consumer de-duplicates by index.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import { CancelledError, FuturesError, type TaskStream } from "@concurrent/futures";
import { QueueExecutor, type QueueFuture } from "@concurrent/bullmq";
import { currentRuntime, sleep, until } from "@concurrent/testkit/helpers";
import { queueName, redis, startCli, stopCli, stopRedis, tasks, tempFile, worker } from "./helpers.js";

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

test("queue stream: a generator's values arrive complete and in order (100,000), then its return value", async () => {
  const s = await setup("order");
  try {
    const n = 100_000;
    const stream = s.ex.streamWith({ highWaterMark: 4096 }, tasks.countTo, n);
    let expected = 0;
    let misplaced = -1;
    for await (const v of stream) {
      if (v !== expected && misplaced < 0) misplaced = expected;
      expected++;
    }
    assert.equal(misplaced, -1);
    assert.equal(expected, n);
    assert.equal(await stream.future, "counted");
    // Function tasks and the default highWaterMark too.
    assert.deepEqual(await all(s.ex.stream(function* (k: number) {
      for (let i = 0; i < k; i++) yield `v${i}`;
    }, 40)), Array.from({ length: 40 }, (_, i) => `v${i}`));
  } finally {
    await s.close();
  }
});

test("queue stream: the first value arrives while the task still runs", async () => {
  const s = await setup("first");
  try {
    const gate = tempFile("gate");
    const stream = s.ex.stream(tasks.gated, gate);
    // The task ends only after the gate file exists, which is written once "first" is here.
    assert.deepEqual(await stream.next(), { done: false, value: "first" });
    assert.equal(stream.future.done(), false);
    writeFileSync(gate, "open");
    assert.deepEqual(await all(stream), ["second"]);
    assert.equal(await stream.future, "done");
  } finally {
    await s.close();
  }
});

test("queue stream: back-pressure — the task runs at most highWaterMark values ahead of a slow consumer", async () => {
  const s = await setup("backpressure");
  try {
    for (const highWaterMark of [4, 16]) {
      const file = tempFile("progress");
      const stream = s.ex.streamWith({ highWaterMark }, tasks.countInto, file, 200, 0);
      let taken = 0;
      let maxAhead = 0;
      let pausedAt = -1;
      for await (const v of stream) {
        assert.equal(v, taken);
        taken++;
        maxAhead = Math.max(maxAhead, progress(file).count - taken);
        if (taken === 3 || taken === 100) {
          await sleep(300);
          maxAhead = Math.max(maxAhead, progress(file).count - taken);
          if (taken === 3) pausedAt = progress(file).count;
        }
      }
      assert.equal(taken, 200);
      assert.ok(maxAhead <= highWaterMark, `ran ${maxAhead} ahead (highWaterMark ${highWaterMark})`);
      assert.ok(pausedAt > 3 && pausedAt <= 3 + highWaterMark, `ran ahead while the consumer slept, then paused (at ${pausedAt})`);
    }
  } finally {
    await s.close();
  }
});

test("queue stream: break closes the task on its worker (finally runs), the future rejects with CancelledError; keys are removed", async () => {
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

test("queue stream: an AbortSignal closes it: next() and the future reject with CancelledError after the values before", async () => {
  const s = await setup("signal");
  try {
    const file = tempFile("progress");
    const controller = new AbortController();
    const stream = s.ex.streamWith({ signal: controller.signal }, tasks.countInto, file, 1_000_000, 1);
    const first = await stream.next();
    assert.deepEqual(first, { done: false, value: 0 });
    controller.abort(new Error("stop"));
    const error = await rejection(all(stream));
    assert.ok(error instanceof CancelledError, `got ${String(error)}`);
    assert.ok(await rejection(stream.future) instanceof CancelledError);
    await until(() => existsSync(`${file}.done`), "the generator's finally to run on the worker");
  } finally {
    await s.close();
  }
});

test("queue stream: an error comes after every value yielded before it, with its fields", async () => {
  const s = await setup("error");
  try {
    const stream = s.ex.stream(tasks.failsAfter, 30);
    const values: number[] = [];
    let error: unknown;
    try {
      for await (const v of stream) values.push(v);
    } catch (e) {
      error = e;
    }
    assert.deepEqual(values, Array.from({ length: 30 }, (_, i) => i));
    assert.ok(error instanceof RangeError, `got ${String(error)}`);
    assert.equal((error as RangeError & { code: string }).code, "E_STREAM");
    assert.equal(await rejection(stream.future), error);
  } finally {
    await s.close();
  }
});

test("queue stream: bad input — highWaterMark out of range, a task that is not iterable, a value that cannot cross", async () => {
  const s = await setup("bad");
  try {
    for (const bad of [0, -1, NaN]) {
      assert.throws(() => s.ex.streamWith({ highWaterMark: bad }, tasks.countTo, 1), (e: unknown) => e instanceof RangeError && /highWaterMark/.test(e.message));
    }
    const notIterable = s.ex.stream(tasks.square as never as typeof tasks.countTo, 3);
    const e1 = await rejection(notIterable.next());
    assert.ok(e1 instanceof TypeError, String(e1));
    assert.match((e1 as Error).message, /square/);
    assert.ok((await rejection(notIterable.future)) instanceof TypeError);
    const bad = s.ex.stream(tasks.yieldsFunctionAt, 5);
    const values: unknown[] = [];
    let e2: unknown;
    try {
      for await (const v of bad) values.push(v);
    } catch (e) {
      e2 = e;
    }
    assert.deepEqual(values, [0, 1, 2, 3, 4]);
    assert.ok(e2 instanceof TypeError, String(e2));
    assert.match((e2 as Error).message, /#5/);
    assert.deepEqual(await all(s.ex.stream(tasks.countTo, 2)), [0, 1], "the executor and worker carry on");
  } finally {
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

test("queue stream: a stream is one call in stats(); shutdown waits for it", async () => {
  const s = await setup("stats");
  try {
    const before = s.ex.stats().completed;
    const gate = tempFile("gate");
    const stream = s.ex.stream(tasks.gated, gate);
    await stream.next();
    let down = false;
    const shutdown = s.ex.shutdown({ wait: true }).then(() => (down = true));
    await sleep(100);
    assert.equal(down, false, "shutdown waits for the open stream");
    writeFileSync(gate, "open");
    assert.deepEqual(await all(stream), ["second"]);
    await shutdown;
    assert.equal(s.ex.stats().completed - before, 1);
    assert.ok(s.ex.stats().inFlight === 0);
    void FuturesError;
  } finally {
    await s.close();
  }
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
