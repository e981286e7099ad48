import { test } from "node:test";
import assert from "node:assert/strict";

// The gate's test runs on Node only (package script `test`: --only node); prove it is Node.
test("runs on the runtime the runner says", () => {
  const expected = process.env.CONCURRENT_TEST_RUNTIME ?? "node";
  const actual = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
  assert.equal(actual, expected);
});
