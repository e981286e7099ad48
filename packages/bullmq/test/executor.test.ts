// QueueExecutor against a real redis-server and in-process QueueWorkers: the Executor
// interface, both task forms, values, errors, retries, cancel, shutdown, sharing, by-id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import {
  AsyncPoolExecutor,
  CancelledError,
  Future,
  ShutdownError,
  TimeoutError,
  asCompleted,
  wait,
  ALL_COMPLETED,
} from "@concurrent/futures";
import { QueueExecutor, QueueFuture, _setSweepInterval } from "@concurrent/bullmq";
import { sleep, until } from "@concurrent/testkit/helpers";
import { queueName, redis, stopRedis, tasks, tempFile, worker } from "./helpers.js";

async function executor(queue: string, options: Record<string, unknown> = {}): Promise<QueueExecutor> {
  return new QueueExecutor({ connection: (await redis()).url, queue, ...options });
}

const clients = new WeakMap<Queue, Redis>();

/** A plain BullMQ Queue on the same queue, to look at Redis directly. */
async function bullQueue(queue: string): Promise<Queue> {
  const client = new Redis((await redis()).url, { maxRetriesPerRequest: null });
  const q = new Queue(queue, { connection: client });
  clients.set(q, client);
  return q;
}

async function closeQueue(q: Queue): Promise<void> {
  await q.close();
  await clients.get(q)?.quit();
}

test("submit: a function task runs on a QueueWorker; its future is a core Future with a job id", async () => {
  const queue = queueName("submit");
  const w = await worker(queue);
  const ex = await executor(queue);
  const f = ex.submit((a: number, b: number) => a * b, 6, 7);
  assert.ok(f instanceof Future);
  assert.ok(f instanceof QueueFuture);
  assert.equal(typeof f.jobId, "string");
  assert.equal(await f, 42);
  assert.equal(f.state, "finished");
  assert.equal(await ex.submit(async (s: string) => s.toUpperCase(), "abc").result(), "ABC");
  await ex.shutdown();
  await w.close();
});

test("submit: a module task is imported by its URL on the worker", async () => {
  const queue = queueName("module");
  const w = await worker(queue);
  const ex = await executor(queue);
  assert.equal(await ex.submit(tasks.square, 12), 144);
  const where = await ex.submit(tasks.where);
  assert.equal(where.inWorker, true, "tasks run on a pool thread, not the worker's main thread");
  await ex.shutdown();
  await w.close();
});

test("submit: a function that uses a captured variable fails with the error that says so", async () => {
  const queue = queueName("captured");
  const w = await worker(queue);
  const ex = await executor(queue);
  // Computed at run time: Bun's test transpiler inlines a literal const into the arrow.
  const factor = Math.round(Math.random() + 2);
  const f = ex.submit((n: number) => n * factor, 2);
  const error = (await f.exception()) as Error;
  assert.ok(error instanceof Error);
  assert.match(error.message, /factor/);
  assert.match(error.message, /captured/);
  await ex.shutdown();
  await w.close();
});

test("codec: values round-trip through Redis (undefined, Date, BigInt, Map, Set, typed arrays, nested, holes, __proto__ keys)", async () => {
  const queue = queueName("codec");
  const w = await worker(queue);
  const ex = await executor(queue);
  const value = {
    u: undefined,
    n: null,
    d: new Date(1_700_000_000_000),
    big: -(2n ** 70n),
    map: new Map<unknown, unknown>([["a", 1], [2, new Set([new Date(0), 3n])]]),
    set: new Set(["x", undefined]),
    f64: new Float64Array([1.5, -0, NaN]),
    u8: new Uint8Array([0, 255]),
    big64: new BigInt64Array([1n, -1n]),
    buffer: new Uint8Array([1, 2, 3]).buffer,
    special: [Infinity, -Infinity, NaN, -0],
    nested: { deep: [{ $: "looks like a tag", v: 1 }] },
    sparse: [1, undefined, 3],
    holes: [1, , 3] as unknown[], // eslint-disable-line no-sparse-arrays
    parsed: JSON.parse('{"__proto__": {"admin": true}}') as object,
  };
  const back = await ex.submit(tasks.echo, value);
  assert.deepEqual(back, value);
  assert.ok(back.map instanceof Map && back.set instanceof Set && back.d instanceof Date);
  assert.ok(back.buffer instanceof ArrayBuffer);
  assert.ok(Object.is(back.special[3], -0));
  assert.deepEqual(Object.keys(back.holes), ["0", "2"], "holes stay holes");
  assert.ok(Number.isNaN(((await ex.submit(tasks.echo, new Date(NaN))) as Date).getTime()), "an invalid Date stays invalid");
  assert.ok(Object.hasOwn(back.parsed, "__proto__"), "an own __proto__ key stays a key");
  assert.equal(await ex.submit(tasks.echo, undefined), undefined);
  await ex.shutdown();
  await w.close();
});

test("codec: an argument it cannot carry fails that future at once with a TypeError, and nothing else", async () => {
  const queue = queueName("uncodable");
  const w = await worker(queue);
  const ex = await executor(queue);
  class Point {
    constructor(readonly x: number) {}
    norm() {
      return Math.abs(this.x);
    }
  }
  const bad = [
    ex.submit(tasks.echo, { f: () => 1 }),
    ex.submit(tasks.echo, Symbol("s")),
    ex.submit(tasks.echo, new Point(1)),
    ex.submit(tasks.echo, new WeakMap()),
  ];
  for (const f of bad) {
    assert.equal(f.done(), true, "fails at once, before any Redis round trip");
    const error = (await f.exception()) as Error;
    assert.ok(error instanceof TypeError, String(error));
    assert.match(error.message, /cannot send/);
  }
  // Cycles travel, as with structured clone.
  const cyclic: Record<string, unknown> = {};
  cyclic["self"] = cyclic;
  const back = (await ex.submit(tasks.echo, cyclic)) as Record<string, unknown>;
  assert.equal(back["self"], back);
  assert.equal(await ex.submit(tasks.square, 5), 25, "the executor carries on");
  // A result the worker cannot send back fails that future with a TypeError too.
  const result = (await ex.submit(tasks.unsendable).exception()) as Error;
  assert.equal(result.name, "TypeError");
  assert.match(result.message, /function|clone/);
  await ex.shutdown();
  await w.close();
});

test("errors: a task's error arrives with name, message, code, stack and own fields", async () => {
  const queue = queueName("errors");
  const w = await worker(queue);
  const ex = await executor(queue);
  const error = (await ex.submit(tasks.fail, "bad input").exception()) as RangeError & { code: string; detail: { at: Date; n: bigint } };
  assert.ok(error instanceof RangeError);
  assert.equal(error.name, "RangeError");
  assert.equal(error.message, "bad input");
  assert.equal(error.code, "E_TASK");
  assert.deepEqual(error.detail, { at: new Date(0), n: 12n });
  assert.match(error.stack ?? "", /fail/);
  assert.match(error.stack ?? "", /tasks\.(js|ts)/); // Deno maps stacks to the .ts source
  const custom = (await ex
    .submit(() => {
      class QuotaError extends Error {
        code = "E_QUOTA";
        override name = "QuotaError";
      }
      throw new QuotaError("over quota");
    })
    .exception()) as Error & { code: string };
  assert.match(custom.stack ?? "", /concurrent-task:/, "a function task's frames name it (sourceURL)");
  assert.equal(custom.name, "QuotaError");
  assert.equal(custom.code, "E_QUOTA");
  assert.equal(custom.message, "over quota");
  const aggregate = (await ex
    .submit(() => {
      const inner = Object.assign(new RangeError("inner"), { code: "E_INNER" });
      throw new AggregateError([inner, new Error("second")], "many failed");
    })
    .exception()) as AggregateError;
  assert.ok(aggregate instanceof AggregateError, String(aggregate));
  assert.equal(aggregate.errors.length, 2, "AggregateError.errors crosses the queue");
  assert.ok(aggregate.errors[0] instanceof RangeError);
  assert.equal((aggregate.errors[0] as { code?: string }).code, "E_INNER");
  await ex.shutdown();
  await w.close();
});

test("retries: none by default; attempts with backoff run a failing task again", async () => {
  const queue = queueName("retries");
  const w = await worker(queue);
  const once = await executor(queue);
  const file1 = tempFile("count");
  assert.match(((await once.submit(tasks.flaky, file1, 3).exception()) as Error).message, /attempt 1 fails/);
  assert.equal(readFileSync(file1, "utf8"), "1", "tried once");
  const retrying = await executor(queue, { attempts: 3, backoff: { type: "fixed", delay: 10 } });
  const file2 = tempFile("count");
  assert.equal(await retrying.submit(tasks.flaky, file2, 3), 3);
  const file3 = tempFile("count");
  const error = (await retrying.submit(tasks.flaky, file3, 5).exception()) as Error;
  assert.match(error.message, /attempt 3 fails/, "the last attempt's error");
  assert.equal(readFileSync(file3, "utf8"), "3");
  await once.shutdown();
  await retrying.shutdown();
  await w.close();
});

test("map: results in input order; chunksize packs that many items into one job", async () => {
  const queue = queueName("map");
  const w = await worker(queue);
  const ex = await executor(queue);
  const items = Array.from({ length: 95 }, (_, i) => i);
  const out: number[] = [];
  for await (const v of ex.map((n: number) => n * 2, items, { chunksize: 10 })) out.push(v);
  assert.deepEqual(out, items.map((n) => n * 2));
  assert.equal(ex.stats().completed, 10, "95 items in chunks of 10: 10 jobs");
  const q = await bullQueue(queue);
  assert.equal(await q.getCompletedCount(), 10);
  await closeQueue(q);
  // Without chunksize, one job per item; a module task works too.
  const squares: number[] = [];
  for await (const v of ex.map(tasks.square, [1, 2, 3])) squares.push(v);
  assert.deepEqual(squares, [1, 4, 9]);
  assert.equal(ex.stats().completed, 13);
  await ex.shutdown();
  await w.close();
});

test("map: an error in a chunk is thrown at its item, after the values before it", async () => {
  const queue = queueName("map-error");
  const w = await worker(queue);
  const ex = await executor(queue);
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const v of ex.map(
        (n: number) => {
          if (n === 13) throw new TypeError("thirteen");
          return n;
        },
        Array.from({ length: 30 }, (_, i) => i),
        { chunksize: 5 },
      )) {
        seen.push(v);
      }
    })(),
    (e: Error) => e.name === "TypeError" && e.message === "thirteen",
  );
  assert.deepEqual(seen, Array.from({ length: 13 }, (_, i) => i));
  await ex.shutdown();
  await w.close();
});

test("map: buffersize bounds how far ahead the input is read; an endless input works", async () => {
  const queue = queueName("buffersize");
  const w = await worker(queue);
  const ex = await executor(queue);
  let pulled = 0;
  function* endless() {
    for (let i = 0; ; i++) {
      pulled++;
      yield i;
    }
  }
  const out: number[] = [];
  for await (const v of ex.map((n: number) => n + 1, endless(), { buffersize: 3, chunksize: 2 })) {
    out.push(v);
    if (out.length === 10) break;
  }
  assert.deepEqual(out, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(pulled <= 10 + 3 * 2 + 2, `read ${pulled} items for 10 results with buffersize 3 × chunksize 2`);
  await ex.shutdown();
  await w.close();
});

test("map: timeout covers waiting on an async input that stalls", async () => {
  const queue = queueName("map-stall");
  const w = await worker(queue);
  const ex = await executor(queue);
  assert.equal(await ex.submit(tasks.square, 2), 4); // a warm worker: the first result comes well within the timeout
  async function* stalls() {
    yield 1;
    await new Promise(() => {});
  }
  const stalled = ex.map(tasks.square, stalls(), { timeout: 3000, chunksize: 1 });
  assert.deepEqual(await stalled.next(), { done: false, value: 1 });
  await assert.rejects(stalled.next(), TimeoutError);
  await ex.shutdown();
  await w.close();
});

test("map: timeout makes next() throw TimeoutError; leaving early cancels calls not started", async () => {
  const queue = queueName("map-timeout");
  // One job at a time, so the later ones are still waiting when the loop is left.
  const w = await worker(queue, { maxWorkers: 1, concurrency: 1 });
  const ex = await executor(queue);
  const it = ex.map(tasks.sleep, [1000, 1, 2, 3], { timeout: 100 });
  await assert.rejects(it.next(), TimeoutError);
  await ex.shutdown({ cancelFutures: true, wait: false });
  const file = tempFile("marks");
  const ex2 = await executor(queue);
  const items = Array.from({ length: 8 }, (_, i) => `${file}|item${i}|200`);
  for await (const line of ex2.map(tasks.markItem, items)) {
    assert.equal(line, "item0");
    break;
  }
  await ex2.shutdown();
  await w.close();
  const lines = readFileSync(file, "utf8").trim().split("\n");
  assert.ok(lines.length < 8, `leaving the loop after the first result ran ${lines.length} of 8 calls`);
  assert.ok(ex2.stats().cancelled >= 8 - lines.length, "every call that did not run was cancelled");
});

test("cancel: true while the job waits (it is removed and never runs); false once a worker holds it", async () => {
  const queue = queueName("cancel");
  const ex = await executor(queue);
  const file = tempFile("marks");
  const waiting = ex.submit(tasks.mark, file, "cancelled");
  await sleep(50); // let it reach Redis (a cancel before that is simpler still)
  assert.equal(waiting.cancel(), true);
  assert.equal(waiting.state, "cancelled");
  await assert.rejects(waiting.result(), CancelledError);
  const q = await bullQueue(queue);
  await until(async () => (await q.getJob(waiting.jobId)) === undefined, "the cancelled job to be removed from Redis");
  const w = await worker(queue);
  const running = ex.submit(tasks.sleep, 300);
  await until(() => running.running(), "the job to be taken by the worker");
  assert.equal(running.cancel(), false);
  assert.equal(await running, 300);
  assert.equal(existsSync(file), false, "the cancelled task never ran");
  await closeQueue(q);
  await ex.shutdown();
  await w.close();
});

test("shutdown({ cancelFutures: true }) removes this executor's waiting jobs and no other's", async () => {
  const queue = queueName("shutdown-cancel");
  const mine = await executor(queue);
  const theirs = await executor(queue);
  const a = [1, 2, 3].map((n) => mine.submit(tasks.square, n));
  const b = [4, 5, 6].map((n) => theirs.submit(tasks.square, n));
  const q = await bullQueue(queue);
  await until(async () => (await q.getWaitingCount()) === 6, "six waiting jobs");
  await mine.shutdown({ cancelFutures: true });
  assert.ok(a.every((f) => f.cancelled()));
  assert.throws(() => mine.submit(tasks.square, 1), ShutdownError);
  assert.equal(await q.getWaitingCount(), 3);
  const w = await worker(queue);
  assert.deepEqual(await Promise.all(b), [16, 25, 36]);
  await closeQueue(q);
  await theirs.shutdown();
  await w.close();
});

test("shutdown({ wait: true }) resolves once running calls finish; await using shuts down at scope exit", async () => {
  const queue = queueName("shutdown-wait");
  const w = await worker(queue);
  let f: Future<number>;
  let ex: QueueExecutor;
  {
    await using scoped = await executor(queue);
    ex = scoped;
    f = scoped.submit(tasks.sleep, 200);
  }
  assert.equal(f.state, "finished", "scope exit waited for the call");
  assert.equal(await f, 200);
  assert.throws(() => ex.submit(tasks.square, 1), ShutdownError);
  await ex.shutdown(); // idempotent
  const ex2 = await executor(queue);
  const g = ex2.submit(tasks.sleep, 100);
  await ex2.shutdown({ wait: false });
  assert.equal(await g, 100, "wait: false still lets the call finish");
  await w.close();
});

test("sharing: several executors on one queue each get their own results", async () => {
  const queue = queueName("shared");
  const w1 = await worker(queue);
  const w2 = await worker(queue);
  const executors = await Promise.all([executor(queue), executor(queue), executor(queue)]);
  const results = await Promise.all(
    executors.map((ex, k) => Promise.all(Array.from({ length: 20 }, (_, i) => ex.submit((a: number, b: number) => a * 1000 + b, k, i)))),
  );
  results.forEach((values, k) => assert.deepEqual(values, Array.from({ length: 20 }, (_, i) => k * 1000 + i)));
  for (const ex of executors) assert.equal(ex.stats().completed, 20);
  await Promise.all(executors.map((ex) => ex.shutdown()));
  await w1.close();
  await w2.close();
});

test("by id: a restarted producer reads a kept job's result, an error, or a job still to come", async () => {
  const queue = queueName("by-id");
  const w = await worker(queue);
  const first = await executor(queue);
  const ok = first.submit(tasks.square, 9);
  const bad = first.submit(tasks.fail, "kept");
  await Promise.allSettled([ok, bad]);
  await first.shutdown();
  const restarted = await executor(queue);
  assert.equal(await restarted.future(ok.jobId), 81);
  assert.equal(((await restarted.future(bad.jobId).exception()) as Error & { code: string }).code, "E_TASK");
  await assert.rejects(restarted.future("no-such-job").result(), /not in queue/);
  // A job submitted before the restart and finished after it.
  await w.close();
  const third = await executor(queue);
  const later = third.submit(tasks.square, 4);
  const q = await bullQueue(queue);
  await until(async () => (await q.getJob(later.jobId)) !== undefined, "the job to be in Redis");
  await closeQueue(q);
  await third.shutdown({ wait: false });
  const reader = restarted.future<number>(later.jobId);
  const w2 = await worker(queue);
  assert.equal(await reader, 16);
  await restarted.shutdown();
  await w2.close();
});

test("asCompleted and wait take queue futures mixed with another executor's", async () => {
  const queue = queueName("mixed");
  const w = await worker(queue);
  const ex = await executor(queue);
  const local = new AsyncPoolExecutor();
  const fs = [ex.submit(tasks.square, 3), local.submit(async () => "local"), ex.submit(tasks.sleep, 50)];
  const got = new Set<unknown>();
  for await (const f of asCompleted(fs)) got.add(await f);
  assert.deepEqual(got, new Set([9, "local", 50]));
  const { done, notDone } = await wait(fs, { returnWhen: ALL_COMPLETED });
  assert.equal(done.size, 3);
  assert.equal(notDone.size, 0);
  const stats = ex.stats();
  assert.equal(stats.completed, 2);
  assert.equal(stats.inFlight, 0);
  assert.ok(stats.runTime.samples >= 1);
  await local.shutdown();
  await ex.shutdown();
  await w.close();
});

test("submitWith: signal and queueTimeout reject the future with the reason; a waiting job is removed", async () => {
  const queue = queueName("submit-with");
  const ex = await executor(queue);
  const file = tempFile("marks");
  const controller = new AbortController();
  const aborted = ex.submitWith({ signal: controller.signal }, tasks.mark, file, "aborted");
  await sleep(50);
  controller.abort(new Error("stop"));
  assert.equal(((await aborted.exception()) as Error).message, "stop");
  const timed = ex.submitWith({ queueTimeout: 50 }, tasks.mark, file, "timed out");
  assert.ok((await timed.exception()) instanceof TimeoutError);
  const q = await bullQueue(queue);
  await until(async () => (await q.getJob(aborted.jobId)) === undefined && (await q.getJob(timed.jobId)) === undefined, "both jobs removed");
  await closeQueue(q);
  const w = await worker(queue);
  assert.equal(await ex.submitWith({ timeout: 10_000 }, tasks.square, 3), 9);
  assert.equal(existsSync(file), false, "neither aborted task ran");
  await ex.shutdown();
  await w.close();
});

test("sweep: an outcome whose event was never seen is read from the job itself", async () => {
  const queue = queueName("sweep");
  _setSweepInterval(100);
  try {
    const ex = await executor(queue);
    const done = ex.submit(tasks.square, 9);
    const gone = ex.submit(tasks.square, 8);
    const q = await bullQueue(queue);
    await until(async () => (await q.getWaitingCount()) === 2, "two waiting jobs");
    // Write what a worker would, without the events a worker emits.
    const client = new Redis((await redis()).url);
    await client.hset(q.toKey(done.jobId), "returnvalue", "81", "finishedOn", String(Date.now()));
    await client.del(q.toKey(gone.jobId));
    assert.equal(await done, 81);
    assert.match(((await gone.exception()) as Error).message, /no longer in Redis/);
    await client.quit();
    await closeQueue(q);
    await ex.shutdown({ cancelFutures: true });
  } finally {
    _setSweepInterval(5000);
  }
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
