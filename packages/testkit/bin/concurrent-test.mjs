#!/usr/bin/env node
// Runs the given command (the repo's `turbo run test`), then sums every package's
// per-runtime results from .test-results/ into one closing line: "N passed, N failed".
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = process.cwd();
const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces ?? [];
function packageDirs() {
  const dirs = [];
  for (const pattern of workspaces) {
    if (pattern.endsWith("/*")) {
      const base = join(root, pattern.slice(0, -2));
      for (const name of existsSync(base) ? readdirSync(base) : []) dirs.push(join(base, name));
    } else dirs.push(join(root, pattern));
  }
  return dirs.filter((d) => existsSync(join(d, "package.json")));
}

for (const dir of packageDirs()) rmSync(join(dir, ".test-results"), { recursive: true, force: true });

// The packages' runs share CONCURRENT_TEST_JOBS (default 2) machine-wide lanes (see
// ../src/slots.mjs), so the command may start every package's tests at once.
const slots = mkdtempSync(join(tmpdir(), "concurrent-test-slots-"));
const [cmd, ...argv] = process.argv.slice(2);
const code = cmd
  ? await new Promise((resolve) => {
      const child = spawn(cmd, argv, { stdio: "inherit", shell: process.platform === "win32", env: { ...process.env, CONCURRENT_TEST_SLOTS: slots } });
      child.on("close", (c) => resolve(c ?? 1));
    })
  : 0;
rmSync(slots, { recursive: true, force: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const dir of packageDirs()) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (!pkg.scripts?.test) continue;
  const resultsDir = join(dir, ".test-results");
  const files = existsSync(resultsDir) ? readdirSync(resultsDir).filter((f) => f.endsWith(".json")) : [];
  if (files.length === 0) {
    rows.push(`${pkg.name}: no results (its test task did not run to the end)`);
    failed += 1;
    continue;
  }
  for (const file of files.sort()) {
    const r = JSON.parse(readFileSync(join(resultsDir, file), "utf8"));
    if (r.unavailable) {
      rows.push(`${pkg.name} on ${r.runtime}: not run — ${r.unavailable}`);
      continue;
    }
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    rows.push(`${pkg.name} on ${r.runtime}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  }
}
console.log("\nTest results by package and runtime:");
for (const row of rows) console.log("  " + row);
if (code !== 0 && failed === 0) {
  console.log(`  (the test command itself exited with ${code})`);
  failed += 1;
}
if (skipped > 0) console.log(`  ${skipped} skipped in all (each skip says why above)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || code !== 0 ? 1 : 0);
