import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatherResults } from "../plugins/results.js";

test("gatherResults reads every *.json directly in the folder and reports unparsable ones", () => {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-gather-"));
  try {
    writeFileSync(join(dir, "b.json"), '{"x": 1}');
    writeFileSync(join(dir, "a.json"), "{ not json");
    writeFileSync(join(dir, "notes.txt"), "ignored");
    mkdirSync(join(dir, "baseline"));
    writeFileSync(join(dir, "baseline", "c.json"), "{}");
    const bundle = gatherResults(dir, "/nowhere");
    assert.equal(bundle.sourceDir, dir);
    assert.deepEqual(
      bundle.files.map((f) => f.file),
      ["a.json", "b.json"]
    );
    assert.match("error" in bundle.files[0]! ? bundle.files[0].error : "", /^not valid JSON/);
    assert.deepEqual(bundle.files[1], { file: "b.json", data: { x: 1 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gatherResults treats a missing folder as empty", () => {
  assert.deepEqual(gatherResults(join(tmpdir(), "no-such-results-dir-4b1f"), tmpdir()).files, []);
});
