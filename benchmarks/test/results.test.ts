import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateResultFile } from "@concurrent/bench-schema";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

test("a tiny run writes a result file that validates against the schema", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-results-"));
  try {
    const run = spawnSync(process.execPath, [cli, "run", "--quick", "--suite", "ordered-vs-unordered"], {
      env: { ...process.env, BENCH_RESULTS_DIR: dir },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^ordered-vs-unordered-node-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    const json: unknown = JSON.parse(readFileSync(join(dir, files[0]!), "utf8"));
    const check = validateResultFile(json);
    assert.ok(check.ok, check.ok ? "" : check.errors.join("\n"));
    assert.equal(check.value.suite, "ordered-vs-unordered");
    assert.equal(check.value.runtime.name, "node");
    assert.equal(check.value.mode, "ci");
    assert.equal(check.value.cases.length, 4);
    for (const c of check.value.cases) {
      assert.ok(c.series?.arrivals && c.series.arrivals.length > 0, `${c.name} has its arrival timeline`);
      assert.ok(c.metrics?.firstResultMs !== undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file that breaks the schema is rejected by the validator the writer uses", () => {
  const check = validateResultFile({ schemaVersion: 1, suite: "peers", cases: [{ name: "x", labels: {}, status: "timeout" }] });
  assert.equal(check.ok, false);
});
