// Each runtime's run first proves it is that runtime, so a suite that silently ran on the
// wrong binary cannot pass as "tested on Bun/Deno". concurrent-test-runtimes puts this
// file first in every package's run.
import { test } from "node:test";
import assert from "node:assert/strict";

test("runtime: this run is on the runtime the runner asked for", () => {
  const actual = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
  const expected = process.env.CONCURRENT_TEST_RUNTIME;
  assert.ok(expected, "CONCURRENT_TEST_RUNTIME is set by concurrent-test-runtimes");
  assert.equal(actual, expected);
  if (process.env.CONCURRENT_TEST_RUNTIME_NAME === "node24") assert.match(process.versions.node, /^24\./);
});
