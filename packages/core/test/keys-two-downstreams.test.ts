// Per-key limits against two simulated downstreams (keys-sim.ts): the benchmark's per-key
// case — A healthy (C = 32), B overloaded (C = 4), 64 calls outstanding to each — with
// simulated time, so each figure is the same on every run and runtime. The per-key pool is
// the real KeyedQueue with each key's real adaptive limit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { simulateTwo, type Mode, type TwoOptions } from "./keys-sim.js";

const a = { capacity: 32, base: 10 };
const b = { capacity: 4, base: 10 };
const duration = 20_000;
const settled = [10_000, 20_000] as const;
const run = (mode: Mode, more: Partial<TwoOptions> = {}) => simulateTwo({ a, b, mode, duration, ...more });
const perKey: Mode = { kind: "perKey", maxWorkers: 64 };

for (const seed of [1, 2]) {
  test(`per-key sim (seed ${seed}): A keeps ≥ 0.9× what it gets through its own pool, B loses nothing, and A gets ≥ 10× one shared "auto"`, () => {
    const keyed = run(perKey, { seed });
    const separate = run({ kind: "separate" }, { seed });
    const shared = run({ kind: "shared" }, { seed });
    const A = keyed.throughput(0, ...settled);
    const B = keyed.throughput(1, ...settled);
    assert.ok(A >= 0.9 * separate.throughput(0, ...settled), `A: ${A} under perKey, ${separate.throughput(0, ...settled)} through its own pool`);
    assert.ok(B >= 0.95 * separate.throughput(1, ...settled), `B: ${B} under perKey, ${separate.throughput(1, ...settled)} through its own pool`);
    assert.ok(A >= 10 * shared.throughput(0, ...settled), `A: ${A} under perKey, ${shared.throughput(0, ...settled)} under one shared "auto"`);
  });
}

test("per-key sim: no single limit serves both — the best fixed one gives A under a sixth of its own pool's throughput", () => {
  const own = run({ kind: "separate" }).throughput(0, ...settled);
  let best = 0;
  for (const limit of [2, 4, 6, 8, 12, 16, 32, 64]) best = Math.max(best, run({ kind: "fixed", limit }).throughput(0, ...settled));
  assert.ok(best <= own / 6, `best single fixed limit: A ${best}, A through its own pool ${own}`);
});

test("per-key sim: B's capacity drops 4 → 1 mid-run: A's throughput moves by less than 10 %", () => {
  const keyed = run(perKey, { b: { capacity: (t) => (t < 10_000 ? 4 : 1), base: 10 } });
  const before = keyed.throughput(0, 5_000, 10_000);
  const after = keyed.throughput(0, 10_000, 20_000);
  assert.ok(Math.abs(after / before - 1) < 0.1, `A: ${before}/s before, ${after}/s after`);
  assert.ok(keyed.throughput(1, 15_000, 20_000) < keyed.throughput(1, 5_000, 10_000), "B itself slowed down");
});
