// Queue (internal ring buffer behind every executor's backlog). Not exported from the
// package, so it is imported from the build output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Queue } from "../dist/queue.js";

test("queue: first in, first out; empty shift/peek are undefined", () => {
  const q = new Queue<number>();
  assert.equal(q.size, 0);
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
  q.push(1);
  q.push(2);
  assert.equal(q.size, 2);
  assert.equal(q.peek(), 1);
  assert.equal(q.shift(), 1);
  assert.equal(q.shift(), 2);
  assert.equal(q.shift(), undefined);
  assert.equal(q.size, 0);
});

test("queue: grows past its initial capacity while wrapped around, keeping order", () => {
  const q = new Queue<number>();
  for (let i = 0; i < 10; i++) q.push(i);
  for (let i = 0; i < 7; i++) assert.equal(q.shift(), i);
  for (let i = 10; i < 100; i++) q.push(i);
  assert.equal(q.size, 93);
  assert.deepEqual(q.drain(), Array.from({ length: 93 }, (_, i) => i + 7));
  assert.equal(q.size, 0);
});

test("queue: unshift puts an item back at the front, also when full", () => {
  const q = new Queue<number>();
  for (let i = 1; i <= 16; i++) q.push(i);
  q.unshift(0);
  assert.equal(q.size, 17);
  assert.equal(q.peek(), 0);
  assert.deepEqual(q.drain(), Array.from({ length: 17 }, (_, i) => i));
  q.unshift(5);
  q.unshift(4);
  q.push(6);
  assert.deepEqual(q.drain(), [4, 5, 6]);
});

test("queue: matches an array under a random mix of operations", () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const q = new Queue<number>();
  const model: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const r = random();
    if (r < 0.5) {
      q.push(i);
      model.push(i);
    } else if (r < 0.6) {
      q.unshift(i);
      model.unshift(i);
    } else {
      assert.equal(q.shift(), model.shift());
    }
    assert.equal(q.size, model.length);
    assert.equal(q.peek(), model[0]);
  }
  assert.deepEqual(q.drain(), model);
});

test("queue: shifted items are not retained", () => {
  const q = new Queue<object>();
  const item = {};
  q.push(item);
  q.shift();
  // the slot is cleared: the only way to observe it is that drain/peek never see it again
  assert.equal(q.peek(), undefined);
  assert.deepEqual(q.drain(), []);
});
