import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareWithBaseline, gateReport, retryRegressed, type Baseline } from "../dist/gate/baseline-gate.js";

const tolerances = {
  "tiny-submit/raw-pipelined": { better: "higher" as const, tolerance: 0.4 },
  "roundtrip/raw": { better: "lower" as const, tolerance: 0.5 },
};
const baseline: Baseline = { runtimes: { node: { "tiny-submit/raw-pipelined": 1.0, "roundtrip/raw": 1.2 } } };
const run = (figures: { name: string; ratio: number }[]) => [{ runtime: "node", figures }];

test("gate: ratios within tolerance pass", () => {
  const r = compareWithBaseline(baseline, run([{ name: "tiny-submit/raw-pipelined", ratio: 0.7 }, { name: "roundtrip/raw", ratio: 1.7 }]), { tolerances });
  assert.equal(r.ok, true);
  assert.deepEqual(r.rows.map((x) => x.verdict), ["ok", "ok"]);
});

test("gate: a higher-is-better ratio below its tolerance fails", () => {
  const r = compareWithBaseline(baseline, run([{ name: "tiny-submit/raw-pipelined", ratio: 0.59 }, { name: "roundtrip/raw", ratio: 1.2 }]), { tolerances });
  assert.equal(r.ok, false);
  assert.equal(r.rows.find((x) => x.figure === "tiny-submit/raw-pipelined")?.verdict, "regressed");
});

test("gate: a lower-is-better ratio above its tolerance fails", () => {
  const r = compareWithBaseline(baseline, run([{ name: "tiny-submit/raw-pipelined", ratio: 1 }, { name: "roundtrip/raw", ratio: 1.81 }]), { tolerances });
  assert.equal(r.ok, false);
  assert.equal(r.rows.find((x) => x.figure === "roundtrip/raw")?.verdict, "regressed");
});

test("gate: a gated figure missing from the run fails, unless the run was filtered", () => {
  const figures = [{ name: "tiny-submit/raw-pipelined", ratio: 1 }];
  assert.equal(compareWithBaseline(baseline, run(figures), { tolerances }).ok, false);
  assert.equal(compareWithBaseline(baseline, run(figures), { tolerances, partial: true }).ok, true);
});

test("gate: a figure the baseline lacks is new and passes; NaN counts as missing", () => {
  const r = compareWithBaseline({ runtimes: {} }, run([{ name: "tiny-submit/raw-pipelined", ratio: 0.1 }, { name: "roundtrip/raw", ratio: NaN }]), { tolerances });
  assert.equal(r.ok, true);
  assert.deepEqual(r.rows.map((x) => x.verdict), ["new"]);
});

test("gate: a regressed figure passes only if its second run is within tolerance; the report shows both runs", () => {
  const first = compareWithBaseline(baseline, run([{ name: "tiny-submit/raw-pipelined", ratio: 0.5 }, { name: "roundtrip/raw", ratio: 1.9 }]), { tolerances });
  assert.deepEqual(first.rows.map((x) => x.verdict), ["regressed", "regressed"]);
  // The throughput figure is back within tolerance the second time; the round trip is not.
  const again = retryRegressed(first, run([{ name: "tiny-submit/raw-pipelined", ratio: 0.95 }, { name: "roundtrip/raw", ratio: 1.85 }]), tolerances);
  assert.equal(again.ok, false);
  assert.deepEqual(again.rows.map((x) => [x.verdict, x.retry]), [["ok", 0.95], ["regressed", 1.85]]);
  assert.match(gateReport(again), /0\.500, again 0\.950/);
  // Both back: the gate passes. A figure the second run lacks stays regressed.
  assert.equal(retryRegressed(first, run([{ name: "tiny-submit/raw-pipelined", ratio: 0.9 }, { name: "roundtrip/raw", ratio: 1.3 }]), tolerances).ok, true);
  assert.equal(retryRegressed(first, run([{ name: "tiny-submit/raw-pipelined", ratio: 0.9 }]), tolerances).ok, false);
});

test("bench:ci fails for a deliberately slowed executor (BENCH_SLOW_SUBMIT_US), measured twice", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-gate-"));
  try {
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
    const result = spawnSync(process.execPath, [cli, "ci", "--suite", "peers", "--only", "tiny-submit"], {
      env: { ...process.env, BENCH_RESULTS_DIR: dir, BENCH_SLOW_SUBMIT_US: "50" },
      encoding: "utf8",
      timeout: 240_000,
    });
    assert.equal(result.status, 1, `expected the gate to fail; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    assert.match(result.stdout, /bench:ci: FAILED/);
    assert.match(result.stdout, /node\s+tiny-submit\/raw-pipelined\s.*, again .*REGRESSED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
