// SampleWindow starts small and grows to its size; what it reports must not show that.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SampleWindow } from "../dist/stats.js";

test("stats: SampleWindow keeps exactly the most recent `size` samples, before, while and after it grows", () => {
  for (const size of [1, 3, 8, 9, 100, 1024]) {
    for (const n of [0, 1, size - 1, size, size + 1, 2 * size + 5, 3000]) {
      if (n < 0) continue;
      const w = new SampleWindow(size);
      for (let i = 1; i <= n; i++) w.record(i);
      const kept = Array.from({ length: Math.min(n, size) }, (_, k) => n - Math.min(n, size) + 1 + k);
      const p = w.percentiles();
      assert.equal(p.samples, kept.length, `size ${size}, ${n} samples`);
      if (kept.length === 0) continue;
      const at = (q: number) => kept[Math.min(kept.length - 1, Math.floor(q * kept.length))];
      assert.deepEqual([p.p50, p.p90, p.p99, p.max], [at(0.5), at(0.9), at(0.99), n], `size ${size}, ${n} samples`);
    }
  }
});

test("stats: SampleWindow keeps its oldest samples while it grows (recorded largest first, so a lost one shows in max)", () => {
  for (const size of [9, 16, 100, 1024]) {
    for (const n of [9, 17, 33, size, size + 1]) {
      const w = new SampleWindow(size);
      for (let i = n; i >= 1; i--) w.record(i);
      const kept = Math.min(n, size);
      const p = w.percentiles();
      assert.equal(p.samples, kept, `size ${size}, ${n} samples`);
      // The newest `kept` samples are kept - 1 ... 1 shifted: values kept, kept - 1, ..., 1.
      assert.equal(p.max, kept, `size ${size}, ${n} samples: max`);
      assert.equal(p.p50, Math.min(kept, Math.floor(0.5 * kept) + 1), `size ${size}, ${n} samples: p50`);
    }
  }
});
