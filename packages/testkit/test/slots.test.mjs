// The machine-wide test lanes (src/slots.mjs): never more runs than slots at once, the
// heaviest waiting run first, an exclusive run alone, and a slot whose holder died taken back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withSlot } from "../src/slots.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function lanes(slots) {
  const dir = mkdtempSync(join(tmpdir(), "slots-"));
  let running = 0;
  let most = 0;
  const order = [];
  const run = (label, weight, options = {}) =>
    withSlot(dir, slots, { weight, label, ...options }, async () => {
      running++;
      most = Math.max(most, running);
      order.push(label);
      await sleep(100);
      running--;
    });
  return { dir, run, order, most: () => most, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test("slots: no more runs at once than slots", async () => {
  const l = lanes(2);
  try {
    await Promise.all(["a", "b", "c", "d", "e"].map((label) => l.run(label, 1)));
    assert.equal(l.most(), 2);
    assert.equal(l.order.length, 5);
  } finally {
    l.done();
  }
});

test("slots: waiting runs start heaviest first", async () => {
  // One lane, so the order is strict (with two, the two freed at once start together).
  const l = lanes(1);
  try {
    const first = l.run("a", 1);
    while (l.order.length < 1) await sleep(1);
    const rest = [l.run("light", 2), l.run("heavy", 90), l.run("middle", 40)];
    await Promise.all([first, ...rest]);
    assert.equal(l.most(), 1);
    assert.deepEqual(l.order, ["a", "heavy", "middle", "light"]);
  } finally {
    l.done();
  }
});

test("slots: an exclusive run waits for every lane and holds them all", async () => {
  const l = lanes(2);
  try {
    const others = [l.run("a", 5), l.run("b", 5)];
    while (l.order.length < 2) await sleep(1);
    const alone = withSlot(l.dir, 2, { weight: 0, label: "alone", exclusive: true }, async () => {
      // Nobody else runs meanwhile: a run queued now waits until this one ends.
      const late = l.run("late", 99);
      await sleep(60);
      assert.equal(l.order.includes("late"), false);
      return { late }; // (wrapped: awaiting it here would wait for this run's own end)
    });
    await Promise.all([...others, (await alone).late]);
    assert.deepEqual(l.order, ["a", "b", "late"]);
  } finally {
    l.done();
  }
});

test("slots: a slot whose holder died is taken back", async () => {
  const l = lanes(1);
  try {
    // A slot held by a process that no longer exists (pid far above any live one).
    mkdirSync(join(l.dir, "slot-0"));
    writeFileSync(join(l.dir, "slot-0", "pid"), "2147483000");
    await l.run("next", 1);
    assert.deepEqual(l.order, ["next"]);
  } finally {
    l.done();
  }
});
