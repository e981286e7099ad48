// How a worker frames a stream's values (worker/stream.ts), against a fake port: the first
// value leaves at once in a frame of its own, the values after it travel together.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkerStream } from "../dist/worker/stream.js";
import { S_OK, W_STREAM_VALUES } from "../dist/protocol.js";

function fakePort() {
  const posts: unknown[][] = [];
  return {
    posts,
    port: { post: (data: unknown) => void posts.push(data as unknown[]), listen() {}, onUncaught() {}, exit() {} },
  };
}

const fail = (error: unknown) => error;

/** Yields 0 … n − 1, then returns "end". */
function* upTo(n: number) {
  for (let i = 0; i < n; i++) yield i;
  return "end";
}

test("worker stream: a sync generator's first value leaves alone, the rest in one frame before it ends", async () => {
  const { posts, port } = fakePort();
  // A frozen clock: this case is about framing by position, and a frame also leaves when its
  // first value is FLUSH_MS old (a loaded machine can pause the generator that long).
  const own = Object.getOwnPropertyDescriptor(performance, "now");
  Object.defineProperty(performance, "now", { value: () => 1000, configurable: true, writable: true });
  let r: unknown;
  try {
    const s = new WorkerStream(0, 16, port);
    r = await s.run(upTo as (...args: unknown[]) => unknown, [5], fail);
  } finally {
    if (own) Object.defineProperty(performance, "now", own);
    else delete (performance as { now?: unknown }).now;
  }
  assert.deepEqual(r, { status: S_OK, value: "end" });
  assert.deepEqual(posts, [
    [W_STREAM_VALUES, 0],
    [W_STREAM_VALUES, 1, 2, 3, 4],
  ]);
});

test("worker stream: an async generator's first value is posted before the generator goes on (no timer needed)", async () => {
  const { posts, port } = fakePort();
  const s = new WorkerStream(0, 16, port);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const running = s.run(
    async function* () {
      yield "first";
      await gate;
      yield "second";
    },
    [],
    fail,
  );
  // Only microtasks have run: no timer could have sent the frame.
  for (let i = 0; i < 10; i++) await Promise.resolve();
  assert.deepEqual(posts, [[W_STREAM_VALUES, "first"]]);
  release();
  const r = await running;
  assert.equal(r.status, S_OK);
  assert.deepEqual(posts, [
    [W_STREAM_VALUES, "first"],
    [W_STREAM_VALUES, "second"],
  ]);
});

test("worker stream: out of credit, the producer sends what it has and waits for a grant", async () => {
  const { posts, port } = fakePort();
  const s = new WorkerStream(0, 4, port);
  const running = s.run(upTo as (...args: unknown[]) => unknown, [6], fail);
  for (let i = 0; i < 10; i++) await Promise.resolve();
  assert.deepEqual(posts, [
    [W_STREAM_VALUES, 0],
    [W_STREAM_VALUES, 1, 2, 3],
  ]);
  s.grant(3); // two more values, and a step to learn that the generator ended
  assert.equal((await running).status, S_OK);
  assert.deepEqual(posts.slice(2), [[W_STREAM_VALUES, 4, 5]]);
});

test("worker stream: with a large highWaterMark a frame holds at most a quarter of it, so the consumer starts on a refill early", async () => {
  const { posts, port } = fakePort();
  const s = new WorkerStream(0, 1024, port);
  const r = await s.run(upTo as (...args: unknown[]) => unknown, [1000], fail);
  assert.equal(r.status, S_OK);
  assert.ok(posts.length >= 5, `${posts.length} frames`);
  for (const frame of posts) {
    assert.equal(frame[0], W_STREAM_VALUES);
    assert.ok(frame.length - 1 <= 256, `a frame of ${frame.length - 1} values`);
  }
  assert.deepEqual(
    posts.flatMap((frame) => frame.slice(1)),
    Array.from({ length: 1000 }, (_, i) => i),
  );
});
