// A downstream that stalls: no answers, no timeouts, so no samples for seconds. The pool's
// watchdog (onStall, every 50 ms while calls are in flight, as AsyncPoolExecutor's) is
// what lets the limit back off before the stalled calls come back. Deterministic: the
// simulation of sizing-sim.ts and direct calls with a hand-moved clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createLimit, type ConcurrencyLimit } from "../dist/sizing/index.js";
import { degrading, fixed, simulate, type SimOptions, type SimResult } from "./sizing-sim.js";

/** The limit at time t of a simulated run. */
function limitAt(run: SimResult, t: number): number {
  let limit = run.changes[0]!.limit;
  for (const c of run.changes) if (c.t <= t) limit = c.limit;
  return limit;
}

// The benchmark's server: exponential past C, and past ~2.3 C every call takes the 2 s
// stall (100 × the base latency); the client sets no timeout.
const stalling = (capacity: SimOptions["capacity"], duration: number): SimOptions => ({
  capacity,
  duration,
  slowdown: degrading,
  timeout: Number.POSITIVE_INFINITY,
  stall: 2_000,
  noise: 0.1,
});

test("sizing: a stalled downstream is met by the watchdog: the limit follows C 16 → 4 → 32 within 2 s", () => {
  const capacity = (t: number) => (t < 10_000 ? 16 : t < 20_000 ? 4 : 32);
  const run = simulate(createLimit(), stalling(capacity, 30_000));
  assert.ok(limitAt(run, 10_000) > 8, `limit ${limitAt(run, 10_000)} before C drops`);
  // C = 4: at 2C the calls stall; within 2 s the limit is at most 2C, and it stays near C.
  assert.ok(limitAt(run, 12_000) <= 8, `limit ${limitAt(run, 12_000)} 2 s after C dropped to 4`);
  const low = run.meanLimit(12_000, 20_000);
  assert.ok(low >= 2 && low <= 8, `mean limit ${low} for C = 4`);
  // C = 32: within 2 s at least C/2, then near C.
  assert.ok(limitAt(run, 22_000) >= 16, `limit ${limitAt(run, 22_000)} 2 s after C rose to 32`);
  const high = run.meanLimit(22_000, 30_000);
  assert.ok(high >= 0.6 * 32 && high <= 1.6 * 32, `mean limit ${high} for C = 32`);
  assert.ok(run.lowest >= 1);
});

test("sizing: without the watchdog the same stall holds the limit up until the stalled calls return", () => {
  const capacity = (t: number) => (t < 10_000 ? 16 : 4);
  const watched = simulate(createLimit(), stalling(capacity, 14_000));
  const blind = simulate(createLimit(), { ...stalling(capacity, 14_000), watchdog: 0 });
  assert.ok(limitAt(blind, 11_500) > 8, `blind: limit ${limitAt(blind, 11_500)} at 11.5 s`);
  assert.ok(limitAt(watched, 11_500) <= 8, `watched: limit ${limitAt(watched, 11_500)} at 11.5 s`);
  // Fewer calls sent into the stall: more get through over the next seconds.
  assert.ok(watched.throughput(10_000, 14_000) > blind.throughput(10_000, 14_000));
});

test("sizing: on the benchmark's degrading downstream the limit settles near C", () => {
  for (const c of [4, 16, 64]) {
    const o = stalling(c, 20_000);
    const run = simulate(createLimit(), o);
    const mean = run.meanLimit(10_000, 20_000);
    assert.ok(mean >= 0.75 * c && mean <= 1.25 * c + 1, `C = ${c}: mean limit ${mean}`);
    let best = 0;
    for (const k of [1, 2, 4, 8, 16, 32, 64, 128]) best = Math.max(best, simulate(fixed(k), o).throughput(10_000, 20_000));
    const ratio = run.throughput(10_000, 20_000) / best;
    // C = 4 steeply: one call past C makes every call 2.7× slower, so the limit must not
    // keep stepping onto C + 1 (the gradient's ceiling hold).
    assert.ok(ratio >= 0.85, `C = ${c}: ${ratio} × the best fixed limit`);
  }
});

/** Clean samples of latency `rtt`, one per ms from `t`, each started with the limit in flight. */
function feed(limit: ConcurrencyLimit, t: number, n: number, rtt: number): number {
  for (let i = 0; i < n; i++, t++) limit.onSample(t, rtt, limit.limit, false);
  return t;
}

test("sizing: silence cuts the limit by backoffRatio, again each time it doubles, never below min", () => {
  const limit = createLimit({ initial: 16, probeInterval: Number.POSITIVE_INFINITY });
  limit.onStall(0, 10_000); // no floor yet: nothing to compare the silence with
  assert.equal(limit.limit, 16);
  let t = feed(limit, 0, 64, 10); // floor 10 ms
  const before = limit.limit;
  assert.ok(before >= 16);
  limit.onStall(t, 200); // 20 floors: slow, not stalled
  assert.equal(limit.limit, before);
  limit.onStall(t + 120, 320); // 32 floors: stalled
  const once = limit.limit;
  assert.equal(once, Math.floor(before / 2));
  limit.onStall(t + 200, 400); // the silence has not doubled
  assert.equal(limit.limit, once);
  limit.onStall(t + 440, 640);
  assert.equal(limit.limit, Math.floor(once / 2));
  for (let age = 1280; age < 100_000; age *= 2) limit.onStall(t + age, age);
  assert.equal(limit.limit, 1);
  t += 100_000;
  // The stalled calls come back, 2 s late: they measure the load already answered.
  for (let i = 0; i < 100; i++) limit.onSample(t + i, 2_000, 32, false);
  assert.equal(limit.limit, 1);
  // Calls started since then answer at the floor again: the limit grows back.
  feed(limit, t + 100, 200, 10);
  assert.ok(limit.limit > 4, `limit ${limit.limit} after the stall`);
  const bounded = createLimit({ min: 3, initial: 8 });
  feed(bounded, 0, 64, 10);
  for (let age = 320; age < 100_000; age *= 2) bounded.onStall(1_000 + age, age);
  assert.equal(bounded.limit, 3);
});

test("sizing: one congested window is answered once: samples of calls started before a decrease are left out", () => {
  const limit = createLimit({ initial: 32, probeInterval: Number.POSITIVE_INFINITY });
  let t = feed(limit, 0, 64, 10);
  const before = limit.limit;
  // A burst of slow answers from calls started at the same time, all before any decrease.
  for (let i = 0; i < 200; i++) limit.onSample(t + 100 + i * 0.1, 100 + i * 0.1, before, false);
  const after = limit.limit;
  assert.ok(after < before, `${after} after the burst, ${before} before`);
  assert.ok(after >= Math.floor(before / 2), `${after}: cut once (at most halved), not once per window`);
  t += 200;
  feed(limit, t, 100, 10);
  assert.ok(limit.limit > after, "and it grows again once latency is back at its floor");
});

test("sizing: every algorithm takes onStall; aimd backs off too", () => {
  for (const algorithm of ["gradient", "vegas", "aimd"] as const) {
    const limit = createLimit({ algorithm, initial: 20, probeInterval: Number.POSITIVE_INFINITY });
    const t = feed(limit, 0, 64, 10);
    const before = limit.limit;
    limit.onStall(t + 400, 400);
    assert.equal(limit.limit, Math.floor(before / 2), algorithm);
  }
});
