// The adaptive limit against a simulated downstream of capacity C (see sizing-sim.ts):
// deterministic, no timers, so each number below is the same on every run and runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createLimit } from "../dist/sizing/index.js";
import { degrading, fixed, queueing, simulate, type SimOptions } from "./sizing-sim.js";

const duration = 20_000;
const lastHalf = [duration / 2, duration] as const;

/** The best throughput any fixed maxWorkers of the sweep gets against the same downstream. */
function bestFixed(o: SimOptions): number {
  let best = 0;
  for (const k of [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128]) {
    best = Math.max(best, simulate(fixed(k), o).throughput(...lastHalf));
  }
  return best;
}

for (const capacity of [4, 16, 64]) {
  test(`sizing: gradient converges near C = ${capacity} from below (start 1)`, () => {
    const o = { capacity, duration };
    const run = simulate(createLimit({ initial: 1 }), o);
    const mean = run.meanLimit(...lastHalf);
    assert.ok(mean >= 0.6 * capacity && mean <= 1.6 * capacity, `mean limit ${mean} for C = ${capacity}`);
    const ratio = run.throughput(...lastHalf) / bestFixed(o);
    assert.ok(ratio >= 0.9, `throughput ${ratio} × the best fixed limit`);
  });

  test(`sizing: gradient converges near C = ${capacity} from above (start 200)`, () => {
    const o = { capacity, duration };
    const run = simulate(createLimit({ initial: 200 }), o);
    const mean = run.meanLimit(...lastHalf);
    assert.ok(mean >= 0.6 * capacity && mean <= 1.6 * capacity, `mean limit ${mean} for C = ${capacity}`);
    assert.ok(run.throughput(...lastHalf) / bestFixed(o) >= 0.9);
  });
}

test("sizing: gradient follows C from 16 to 4 to 32 within a few seconds", () => {
  const capacity = (t: number) => (t < 10_000 ? 16 : t < 20_000 ? 4 : 32);
  const run = simulate(createLimit(), { capacity, duration: 30_000 });
  // Each phase: 10 s; the limit is judged from 3 s after the change to its end.
  for (const [from, c] of [[3_000, 16], [13_000, 4], [23_000, 32]] as const) {
    const mean = run.meanLimit(from, from + 7_000);
    assert.ok(mean >= 0.6 * c && mean <= 1.6 * c, `mean limit ${mean} over [${from}, ${from + 7000}) for C = ${c}`);
  }
});

test("sizing: vegas also converges near C and follows a change", () => {
  const capacity = (t: number) => (t < 10_000 ? 16 : 32);
  const run = simulate(createLimit({ algorithm: "vegas" }), { capacity, duration: 20_000 });
  for (const [from, c] of [[3_000, 16], [13_000, 32]] as const) {
    const mean = run.meanLimit(from, from + 7_000);
    assert.ok(mean >= 0.6 * c && mean <= 1.6 * c, `mean limit ${mean} for C = ${c}`);
  }
});

test("sizing: errors are congestion: a burst of failures cuts the limit, a trickle does not", () => {
  const burst = (t: number) => (t >= 10_000 && t < 11_000 ? 1 : 0);
  for (const algorithm of ["gradient", "vegas", "aimd"] as const) {
    const run = simulate(createLimit({ algorithm, max: 64 }), { capacity: 1000, duration: 12_000, errorRate: burst });
    const before = run.meanLimit(9_000, 10_000);
    const during = run.meanLimit(10_500, 11_000);
    assert.ok(before >= 32, `${algorithm}: ${before} before the burst`);
    assert.ok(during <= before / 4, `${algorithm}: ${during} during the burst, ${before} before`);
  }
  // 1 % of calls fail regardless of load: the limit still finds C = 16.
  const run = simulate(createLimit(), { capacity: 16, duration, errorRate: 0.01 });
  const mean = run.meanLimit(...lastHalf);
  assert.ok(mean >= 0.6 * 16 && mean <= 1.6 * 16, `mean limit ${mean} with 1 % errors`);
});

test("sizing: healthy steady load does not collapse the limit", () => {
  // A downstream far from its capacity, noisy latency, a client that never needs more than
  // 40 calls at once: once there, the limit keeps room for all 40 (but for the floor
  // probe, which halves it for one window every probeInterval).
  const run = simulate(createLimit(), { capacity: 10_000, duration: 60_000, demand: 40, noise: 0.5 });
  const settled = run.changes.filter((c) => c.t >= 5_000);
  const lowest = Math.min(...settled.map((c) => c.limit), run.meanLimit(5_000, 5_001));
  assert.ok(lowest >= 20, `lowest limit after 5 s: ${lowest}`);
  assert.ok(run.meanLimit(5_000, 60_000) >= 40, `mean limit ${run.meanLimit(5_000, 60_000)}`);
  assert.equal(run.failed, 0);
  // …and it does not run away either: it grows only while the client uses it.
  assert.ok(run.highest <= 2 * 40 + Math.sqrt(80), `highest ${run.highest}`);
});

test("sizing: the limit stays within [min, max] through stalls, errors and idle", () => {
  const capacity = (t: number) => (t < 5_000 ? 200 : t < 10_000 ? 2 : 200);
  const errorRate = (t: number) => (t >= 12_000 && t < 13_000 ? 1 : 0);
  for (const algorithm of ["gradient", "vegas", "aimd"] as const) {
    for (const [min, max, initial] of [[1, 1000, 4], [3, 10, 3], [5, 5, 5], [8, 64, 64]] as const) {
      const run = simulate(createLimit({ algorithm, min, max, initial }), { capacity, duration: 15_000, errorRate });
      assert.ok(run.lowest >= min, `${algorithm} [${min}, ${max}]: lowest ${run.lowest}`);
      assert.ok(run.highest <= max, `${algorithm} [${min}, ${max}]: highest ${run.highest}`);
      assert.ok(run.changes.every((c) => Number.isInteger(c.limit)));
    }
  }
});

test("sizing: a downstream whose base latency rises for good is not read as congestion for ever", () => {
  // Base latency 20 ms → 60 ms at 10 s, capacity unchanged: the old floor makes every
  // window look congested until the floor is measured again (at min, or by the probe).
  const run = simulate(createLimit({ probeInterval: 5_000 }), { capacity: 16, duration: 10_000 });
  const slow = simulate(createLimit({ probeInterval: 5_000 }), {
    capacity: 16,
    duration: 40_000,
    latency: (t) => (t < 10_000 ? 20 : 60),
  });
  assert.ok(run.meanLimit(5_000, 10_000) >= 0.6 * 16);
  const mean = slow.meanLimit(30_000, 40_000);
  assert.ok(mean >= 0.6 * 16 && mean <= 1.6 * 16, `mean limit ${mean} after the base latency tripled`);
});

test("sizing: latency that rises 30 % whatever the load (a busy client, another key's stalled calls) does not sink the limit", () => {
  // Fewer calls do not bring such latency down (Little's law says they would, were the
  // downstream queueing): once a third fewer did not, the floor is measured anew.
  for (const slowdown of [queueing, degrading]) {
    const run = simulate(createLimit(), { capacity: 32, duration: 20_000, slowdown, latency: (t) => (t < 10_000 ? 20 : 26) });
    const lowest = Math.min(...run.changes.filter((c) => c.t >= 10_000).map((c) => c.limit));
    assert.ok(lowest >= 16, `lowest limit after latency rose: ${lowest}`);
    const mean = run.meanLimit(12_000, 20_000);
    assert.ok(mean >= 0.75 * 32 && mean <= 1.25 * 32, `mean limit ${mean} after latency rose`);
  }
});
