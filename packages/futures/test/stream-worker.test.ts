// Streaming tasks on the worker pool (issue 17), beyond the conformance stream suite (which
// covers a worker dying mid-stream and values that cannot be cloned): module tasks, and
// values travelling in frames rather than one message each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adapter, type PoolAdapter } from "@concurrent/futures";
import { tasks, withPool } from "./helpers/pool.js";
import { currentRuntime } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();

async function all<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of stream) out.push(v);
  return out;
}

// "module tasks too"
test(`worker pool stream (${runtime}): a module task that is a generator or async generator streams`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const numbers = pool.stream(tasks.countTo, 5);
    assert.deepEqual(await all(numbers), [0, 1, 2, 3, 4]);
    assert.equal(await numbers.future, "counted");
    const parsed = pool.stream(tasks.records, "a b\nc\nd e f");
    assert.deepEqual(await all(parsed), [
      { line: 1, words: 2 },
      { line: 2, words: 1 },
      { line: 3, words: 3 },
    ]);
    assert.equal(await parsed.future, 3);
  }));

// "Values are framed so small ones travel together": count the messages the host receives.
test(`worker pool stream (${runtime}): small values travel many to a message, not one message each`, async () => {
  let messages = 0;
  const counting: PoolAdapter = Object.create(adapter as object) as PoolAdapter;
  counting.spawn = (url, events, options) =>
    adapter.spawn(url, { ...events, message: (data) => (messages++, events.message(data)) }, options);
  await withPool({ maxWorkers: 1, adapter: counting }, async (pool) => {
    const n = 200_000;
    let got = 0;
    for await (const v of pool.streamWith({ highWaterMark: 4096 }, function* (count: number) {
      for (let i = 0; i < count; i++) yield i;
    }, n)) {
      if (v === got) got++;
    }
    assert.equal(got, n);
    assert.ok(messages < n / 50, `${messages} messages for ${n} values`);
  });
});

test(`worker pool stream (${runtime}): a large value is not held back for company`, () =>
  withPool({ maxWorkers: 1 }, async (pool) => {
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const stream = pool.stream(function* (sab: SharedArrayBuffer) {
      const g = new Int32Array(sab);
      yield "x".repeat(1 << 20);
      // A sync generator that never awaits: only the frame's size can send the value now.
      while (Atomics.load(g, 0) === 0) Atomics.wait(g, 0, 0, 5);
      yield "end";
    }, gate.buffer as SharedArrayBuffer);
    const first = await stream.next();
    assert.equal((first.value as string).length, 1 << 20);
    Atomics.store(gate, 0, 1);
    assert.deepEqual(await all(stream), ["end"]);
  }));
