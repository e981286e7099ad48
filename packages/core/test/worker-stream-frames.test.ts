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

test("worker stream: a sync generator's first value leaves alone, the rest in one frame before it ends", async () => {
  const { posts, port } = fakePort();
  const s = new WorkerStream(0, 16, port);
  const r = await s.run(
    function* () {
      for (let i = 0; i < 5; i++) yield i;
      return "end";
    },
    [],
    fail,
  );
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
  const running = s.run(
    function* () {
      for (let i = 0; i < 6; i++) yield i;
    },
    [],
    fail,
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  assert.deepEqual(posts, [
    [W_STREAM_VALUES, 0],
    [W_STREAM_VALUES, 1, 2, 3],
  ]);
  s.grant(3); // two more values, and a step to learn that the generator ended
  assert.equal((await running).status, S_OK);
  assert.deepEqual(posts.slice(2), [[W_STREAM_VALUES, 4, 5]]);
});
