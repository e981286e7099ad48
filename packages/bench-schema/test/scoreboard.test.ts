import { test } from "node:test";
import assert from "node:assert/strict";
import {
  figure,
  figuresOf,
  met,
  scoreboard,
  targetValue,
  TARGETS,
  TOLERANCES,
  validateResultFile,
  type BenchResultFile,
} from "@concurrent/bench-schema";

const file = (over: Partial<BenchResultFile>): BenchResultFile => ({
  schemaVersion: 1,
  suite: "peers",
  runtime: { name: "node", version: "24.0.0" },
  machine: { cpuModel: "x", cpus: 2, os: "linux", arch: "x64", memoryMB: 4096 },
  date: "2026-11-25T10:00:00.000Z",
  commit: "abc1234",
  mode: "full",
  parameters: {},
  cases: [],
  ...over,
});

test("a figure takes its target and direction from the targets table", () => {
  const f = figure("roundtrip/raw", "round trip", 0.03, 0.02, "ms");
  assert.equal(f.better, "lower");
  assert.equal(f.target, 1.5);
  assert.equal(f.ratio, 1.5);
  assert.equal(met(f), true);
  assert.equal(met({ ...f, ratio: 1.6 }), false);
  assert.equal(figure("cpu-fib27/bare-threads", "fib", 3, 2, "tasks/s", { cpus: 4 }).target, 0.95);
  assert.equal(figure("cpu-fib27/main-thread", "fib", 3, 2, "tasks/s", { cpus: 4 }).target, undefined);
  assert.equal(targetValue({ target: 0.95, perCpu: true }, 4), 3.8);
  assert.equal(figure("not-listed/x", "x", 1, 2, "tasks/s").target, undefined);
});

test("a lower-is-better ratio above 1 is not met when its target is 1", () => {
  const f = figure("map-buffersize/rss-100MB", "rss", 130, 100, "MB");
  assert.equal(f.better, "lower");
  assert.equal(met(f), false);
});

test("the scoreboard lists every figure of the targets and tolerances tables, per runtime", () => {
  const run = file({ figures: [figure("roundtrip/raw", "round trip", 0.03, 0.02, "ms")], ratios: { "roundtrip/raw": 1.5 } });
  const rows = scoreboard([run, file({ runtime: { name: "bun", version: "1" } })], ["node", "bun", "deno"]);
  for (const runtime of ["node", "bun"]) {
    const names = new Set(rows.filter((r) => r.runtime === runtime).map((r) => r.name));
    for (const name of [...Object.keys(TARGETS), ...Object.keys(TOLERANCES)]) assert.ok(names.has(name), `${runtime} ${name}`);
  }
  assert.equal(rows.filter((r) => r.runtime === "deno").length, 0, "a runtime without results has no rows");
  const measured = rows.find((r) => r.runtime === "node" && r.name === "roundtrip/raw")!;
  assert.deepEqual([measured.ours, measured.reference, measured.met, measured.gated, measured.commit], [0.03, 0.02, true, true, "abc1234"]);
  const missing = rows.find((r) => r.runtime === "node" && r.name === "tiny-submit/piscina")!;
  assert.ok(Number.isNaN(missing.ratio));
  assert.equal(missing.met, undefined);
});

test("the scoreboard shows the newest full run, and a file without stored figures by its ratios", () => {
  const old = file({ date: "2026-11-24T10:00:00.000Z", ratios: { "tiny-submit/piscina": 9 } });
  const newer = file({ date: "2026-11-25T10:00:00.000Z", ratios: { "tiny-submit/piscina": 4 } });
  const ci = file({ date: "2026-11-26T10:00:00.000Z", mode: "ci", ratios: { "tiny-submit/piscina": 20 } });
  const row = scoreboard([old, ci, newer], ["node"]).find((r) => r.name === "tiny-submit/piscina")!;
  assert.equal(row.ratio, 4);
  assert.equal(row.target, 5);
  assert.equal(row.met, false);
  assert.equal(figuresOf(newer)[0]!.better, "higher");
});

test("stored figures are validated", () => {
  assert.equal(validateResultFile(file({ figures: [figure("roundtrip/raw", "rt", 1, 2, "ms")] })).ok, true);
  const bad = validateResultFile(file({ figures: [{ name: "x", label: "x", ours: 1, reference: 1, unit: "", ratio: 1, better: "up" as "higher" }] }));
  assert.deepEqual(bad, { ok: false, errors: ['$.figures[0].better: expected one of "higher", "lower", got "up"'] });
});
