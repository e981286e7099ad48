import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrapMedianCI } from "../dist/gate/bootstrap.js";
import { compareSamples, comparisonMarkdown, gateFailed, type GateSamples } from "../dist/gate/compare.js";
import { PROBE_FIGURES } from "../dist/gate/probe-figures.js";

/** A deterministic "noise" in [-1, 1]. */
const noise = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;

/** Samples of every probe figure: `rounds` × `reps`, PR = base × `factor` (times: higher is slower), with relative noise `amp`. */
function samples(factor: number, amp: number, rounds = 6, reps = 9): GateSamples {
  const figures: GateSamples["runtimes"][string] = {};
  let k = 1;
  for (const f of PROBE_FIGURES) {
    const base: number[][] = [];
    const pr: number[][] = [];
    for (let r = 0; r < rounds; r++) {
      const moment = 1 + 0.5 * noise(k++); // the machine's state, shared by a pair
      base.push(Array.from({ length: reps }, () => 2 * moment * (1 + amp * noise(k++))));
      pr.push(Array.from({ length: reps }, () => 2 * factor * moment * (1 + amp * noise(k++))));
    }
    figures[f.name] = { base, pr };
  }
  return { base: "aaaaaaa", pr: "bbbbbbb", rounds, runtimes: { node: figures } };
}

test("bootstrap: the interval of the median contains it and narrows with agreement", () => {
  const [lo, hi] = bootstrapMedianCI([1, 1.02, 0.98, 1.01, 0.99, 1]);
  assert.ok(lo <= 1 && hi >= 1 && hi - lo < 0.05);
  const [wlo, whi] = bootstrapMedianCI([0.5, 1.5, 0.8, 1.3, 1, 0.7]);
  assert.ok(whi - wlo > 0.3);
  assert.deepEqual(bootstrapMedianCI([2, 3, 4]), bootstrapMedianCI([2, 3, 4]), "seeded: reproducible");
});

test("gate: an unchanged tree passes even when the machine's speed swings ±50 % between rounds", () => {
  const rows = compareSamples(samples(1, 0.1));
  assert.equal(rows.length, PROBE_FIGURES.length);
  assert.deepEqual(rows.map((r) => r.verdict), PROBE_FIGURES.map(() => "same"));
  assert.equal(gateFailed(rows), false);
});

test("gate: a 20 % slower PR fails on every figure; a 20 % faster one is reported as faster", () => {
  const slower = compareSamples(samples(1.2, 0.1));
  assert.deepEqual(slower.map((r) => r.verdict), PROBE_FIGURES.map(() => "slower"));
  for (const r of slower) assert.ok(Math.abs(r.change - 1 / 1.2) < 0.03, `${r.figure}: change ${r.change}`);
  assert.equal(gateFailed(slower), true);
  assert.deepEqual(compareSamples(samples(1 / 1.2, 0.1)).map((r) => r.verdict), PROBE_FIGURES.map(() => "faster"));
});

test("gate: a 5 % change is under the minimum effect and passes", () => {
  assert.equal(gateFailed(compareSamples(samples(1.05, 0.01))), false);
});

test("gate: a runtime whose probes produced nothing fails as no data", () => {
  const s = samples(1, 0.1, 2);
  const rows = compareSamples(s);
  assert.ok(rows.every((r) => r.verdict === "no data"));
  assert.equal(gateFailed(rows), true);
});

test("gate markdown: one table row per runtime and figure, the verdict line, the peer ratios folded away", () => {
  const s = samples(1.2, 0.1);
  const md = comparisonMarkdown(s, compareSamples(s));
  assert.match(md, /^### Benchmark gate: PR `bbbbbbb` against base `aaaaaaa`/);
  assert.match(md, /\| runtime \| figure \| base \| PR \| change \| 95 % interval \| verdict \|/);
  for (const f of PROBE_FIGURES) assert.match(md, new RegExp(`\\| node \\| ${f.name} \\(lower is better\\) \\| [0-9.]+ µs CPU/task \\| [0-9.]+ µs CPU/task \\| −1\\d\\.\\d % \\| .* \\| ❌ slower \\|`));
  assert.match(md, /\*\*Gate: FAILED\*\*/);
});

test("`cli.js gate` measures two checkouts side by side and writes the markdown table", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-prgate-"));
  try {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
    const out = join(dir, "gate.md");
    // The same tree on both sides, two short rounds: this checks the plumbing, not the verdict.
    const run = spawnSync(process.execPath, [cli, "gate", "--base", root, "--pr", root, "--runtimes", "node", "--rounds", "3", "--markdown", out, "--json", join(dir, "gate.json")], {
      env: { ...process.env, BENCH_GATE_REPS: "3" },
      encoding: "utf8",
      timeout: 240_000,
    });
    assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
    const md = readFileSync(out, "utf8");
    for (const f of PROBE_FIGURES) assert.match(md, new RegExp(`\\| node \\| ${f.name} .*\\| (✅ same|❌ slower|🟢 faster) \\|`));
    const json = JSON.parse(readFileSync(join(dir, "gate.json"), "utf8")) as { samples: GateSamples };
    for (const f of PROBE_FIGURES) {
      const s = json.samples.runtimes["node"]![f.name]!;
      assert.equal(s.base.length, 3);
      assert.equal(s.pr[0]!.length, 3);
      assert.ok(s.base.flat().every((x) => x > 0));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
