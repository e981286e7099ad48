import { test } from "node:test";
import assert from "node:assert/strict";
import { autoLimitDefaults, createLimit, validateAutoLimitOptions } from "../dist/sizing/index.js";

test("sizing: defaults start small and stay within [min, max]", () => {
  assert.equal(createLimit().limit, autoLimitDefaults.initial);
  assert.equal(createLimit({ min: 10 }).limit, 10, "the default initial is raised to min");
  assert.equal(createLimit({ max: 2 }).limit, 2, "the default initial is lowered to max");
  assert.equal(createLimit({ initial: 7, algorithm: "aimd" }).limit, 7);
  validateAutoLimitOptions(undefined);
  validateAutoLimitOptions({});
  validateAutoLimitOptions({ ...autoLimitDefaults });
  validateAutoLimitOptions({ initial: undefined, probeInterval: Infinity });
});

test("sizing: unknown options and wrong types are TypeErrors that name them", () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /options must be an object, got null/],
    [5, /options must be an object, got 5/],
    [{ maxx: 3 }, /unknown option "maxx"/],
    [{ min: "1" }, /min must be an integer ≥ 1, got "1"/],
    [{ tolerance: true }, /tolerance must be a finite number ≥ 1, got true/],
    [{ algorithm: 3 }, /algorithm must be one of "gradient", "vegas", "aimd", got 3/],
    [{ algorithm: "vegas", tolerance: 1.2 }, /tolerance applies to algorithm "gradient" only/],
    [{ algorithm: "aimd", smoothing: 0.5 }, /smoothing applies to algorithm "gradient" only/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => validateAutoLimitOptions(options), { name: "TypeError", message });
    assert.throws(() => createLimit(options as never), TypeError);
  }
});

test("sizing: values out of range are RangeErrors that say what is allowed", () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ min: 0 }, /min must be an integer ≥ 1, got 0/],
    [{ min: Number.NaN }, /min must be an integer ≥ 1, got NaN/],
    [{ max: 2.5 }, /max must be an integer ≥ 1, got 2.5/],
    [{ min: 8, max: 4 }, /max must be ≥ min \(8\), got 4/],
    [{ initial: 50, max: 10 }, /initial must be between min \(1\) and max \(10\), got 50/],
    [{ initial: 0 }, /initial must be an integer ≥ 1, got 0/],
    [{ tolerance: 0.9 }, /tolerance must be a finite number ≥ 1, got 0.9/],
    [{ smoothing: 0 }, /smoothing must be a number in \(0, 1\], got 0/],
    [{ backoffRatio: 1 }, /backoffRatio must be a number in \[0.1, 1\), got 1/],
    [{ windowSize: 0 }, /windowSize must be an integer ≥ 1, got 0/],
    [{ minWindow: -1 }, /minWindow must be a finite number of ms ≥ 0, got -1/],
    [{ minWindow: 500, maxWindow: 100 }, /maxWindow must be ≥ minWindow \(500\), got 100/],
    [{ probeInterval: 0 }, /probeInterval must be a number of ms > 0/],
    [{ algorithm: "bbr" }, /algorithm must be one of "gradient", "vegas", "aimd", got "bbr"/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => validateAutoLimitOptions(options), { name: "RangeError", message });
  }
});
