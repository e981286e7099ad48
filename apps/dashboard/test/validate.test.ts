import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateResultFile } from "@concurrent/bench-schema";
import { fixturesDir } from "./paths.js";

const read = (file: string): unknown => JSON.parse(readFileSync(join(fixturesDir, file), "utf8"));
const good = readdirSync(fixturesDir).filter((f) => f.endsWith(".json") && !/^(malformed|truncated)-/.test(f));

test("every well-formed fixture validates", () => {
  assert.ok(good.length >= 12);
  for (const file of good) {
    const r = validateResultFile(read(file));
    assert.equal(r.ok, true, `${file}: ${r.ok ? "" : r.errors.join("; ")}`);
  }
});

test("the validator names each problem by its path", () => {
  const r = validateResultFile(read("malformed-node-2025-11-24.json"));
  assert.deepEqual(r, { ok: false, errors: ['$.cases[0].stats.mean: expected a finite number, got "fast"'] });
});

test("a case that did not finish needs its error, and one that did needs its stats", () => {
  const file = read(good.find((f) => f.startsWith("peers-"))!) as { cases: Record<string, unknown>[] };
  const [first, second] = file.cases;
  assert.ok(first && second);
  delete first["stats"];
  second["status"] = "timeout";
  delete second["error"];
  const r = validateResultFile(file);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors, [
    "$.cases[0].stats: expected an object, got nothing (missing)",
    "$.cases[1].error: expected a non-empty string, got nothing (missing)",
  ]);
});

test("wrong top-level fields are all reported, not just the first", () => {
  const r = validateResultFile({ schemaVersion: 2, suite: "nope", runtime: { name: "node" }, cases: {} });
  assert.equal(r.ok, false);
  const paths = r.ok ? [] : r.errors.map((e) => e.split(":")[0]);
  assert.deepEqual(paths, [
    "$.schemaVersion",
    "$.suite",
    "$.runtime.version",
    "$.machine",
    "$.date",
    "$.commit",
    "$.mode",
    "$.parameters",
    "$.cases",
  ]);
  assert.deepEqual(validateResultFile("text"), { ok: false, errors: ['$: expected an object, got "text"'] });
});
