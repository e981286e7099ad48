#!/usr/bin/env node
// Runs this package's compiled test files (dist-test/**/*.test.js) unchanged under
// `node --test` (the machine's Node and Node 24), `bun test` and `deno test`, and writes
// one result file per runtime to .test-results/ for `concurrent-test` to sum.
//
// Tests are flat top-level `test()` calls, so every runner counts the same things.
//
// Usage: concurrent-test-runtimes [--only node,node24,bun,deno] [files...]  (names as in src/runtimes.mjs)
// CONCURRENT_TEST_TIMEOUT=<ms> raises the per-test timeout (default 120000).
// CONCURRENT_TEST_JOBS=<n> runs that many runtimes at once (default 2: most of a run is tests
// waiting on timers and worker starts, so two runtimes share two cores well). Each runtime's
// lines are prefixed with its name; its summary is printed when it ends.
// Under `concurrent-test` (the repo's `npm test`), CONCURRENT_TEST_SLOTS names the machine-wide
// lanes every package shares instead (see ../src/slots.mjs); the package's "concurrentTest"
// field in package.json gives its expected seconds per runtime (which runs go first) and
// whether it must run alone ("exclusive").
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimes } from "../src/runtimes.mjs";
import { withSlot } from "../src/slots.mjs";

const args = process.argv.slice(2);
let only = process.env.CONCURRENT_TEST_ONLY?.split(",").filter(Boolean);
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--only") only = args[++i]?.split(",");
  else files.push(args[i]);
}

function findTests(dir) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) out.push(...findTests(file));
    else if (name.endsWith(".test.js") || name.endsWith(".test.mjs")) out.push(file);
  }
  return out;
}

const cwd = process.cwd();
// The runtime check goes first in every run (see ../src/check-runtime.test.mjs).
const checkRuntime = fileURLToPath(new URL("../src/check-runtime.test.mjs", import.meta.url));
const testFiles = [checkRuntime, ...(files.length ? files : findTests(join(cwd, "dist-test")))].map((f) => "./" + relative(cwd, f));
const resultsDir = join(cwd, ".test-results");
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
if (testFiles.length === 1) {
  console.error(`concurrent-test-runtimes: no test files under ${join(cwd, "dist-test")}`);
  process.exit(1);
}

// Per test (and, on Node 20, per file). The install test packs, installs and bundles in
// one file and sets a longer one (CONCURRENT_TEST_TIMEOUT, in ms).
const timeout = Number(process.env.CONCURRENT_TEST_TIMEOUT) || 120_000;

function commandFor(rt) {
  switch (rt.runtime) {
    case "node":
      return [rt.bin, ["--test", "--test-reporter=spec", "--test-concurrency=1", `--test-timeout=${timeout}`, ...testFiles]];
    case "bun":
      return [rt.bin, ["test", `--timeout=${timeout}`, ...testFiles]];
    case "deno":
      return [rt.bin, ["test", "-A", "--no-check", ...testFiles]];
  }
}

// The summary lines each runner prints; ANSI colours are stripped first.
function parse(runtime, text) {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const num = (re) => {
    const all = [...plain.matchAll(re)];
    const last = all[all.length - 1];
    return last ? Number(last[1]) : undefined;
  };
  if (runtime === "node") {
    return { passed: num(/^[ℹ#] pass (\d+)/gm), failed: num(/^[ℹ#] fail (\d+)/gm), skipped: num(/^[ℹ#] skipped (\d+)/gm) };
  }
  if (runtime === "bun") {
    return { passed: num(/^\s*(\d+) pass$/gm), failed: num(/^\s*(\d+) fail$/gm) ?? 0, skipped: num(/^\s*(\d+) skip$/gm) ?? 0 };
  }
  return {
    passed: num(/(\d+) passed(?: \(\d+ steps?\))? \|/g),
    failed: num(/\| (\d+) failed/g),
    skipped: num(/\| (\d+) ignored/g) ?? 0,
  };
}

function run(rt) {
  return new Promise((resolve) => {
    const [bin, argv] = commandFor(rt);
    const started = Date.now();
    const child = spawn(bin, argv, {
      cwd,
      env: {
        ...process.env,
        CONCURRENT_TEST_RUNTIME: rt.runtime,
        CONCURRENT_TEST_RUNTIME_NAME: rt.name,
        NO_COLOR: "1",
        FORCE_COLOR: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    // Lines go out whole, prefixed with the runtime's name, so two runtimes' output can share
    // the terminal and still be read.
    const tee = (stream, sink) => {
      let partial = "";
      // Decoded as a stream, so a character split between two chunks ("ℹ", "✔") stays whole.
      stream.setEncoding("utf8");
      stream.on("data", (text) => {
        out += text;
        const lines = (partial + text).split("\n");
        partial = lines.pop();
        if (lines.length) sink.write(lines.map((line) => `[${rt.name}] ${line}\n`).join(""));
      });
      stream.on("end", () => {
        if (partial) sink.write(`[${rt.name}] ${partial}\n`);
      });
    };
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on("close", (code, signal) => {
      const counts = parse(rt.runtime, out);
      const result = {
        runtime: rt.name,
        exitCode: code ?? 1,
        signal,
        seconds: (Date.now() - started) / 1000,
        passed: counts.passed ?? 0,
        failed: counts.failed ?? 0,
        skipped: counts.skipped ?? 0,
      };
      // A runner that died or printed no summary counts as a failure, never as a pass.
      if (counts.passed === undefined || (result.exitCode !== 0 && result.failed === 0)) result.failed += 1;
      resolve(result);
    });
  });
}

const jobs = Math.max(1, Number(process.env.CONCURRENT_TEST_JOBS) || 2);
const queue = [];
for (const rt of runtimes()) {
  if (only && !only.includes(rt.name)) continue;
  if (!rt.bin) {
    console.log(`\n[${rt.name}] not available here: ${rt.why ?? "binary not found"}`);
    writeFileSync(join(resultsDir, `${rt.name}.json`), JSON.stringify({ runtime: rt.name, unavailable: rt.why ?? "not found" }));
    continue;
  }
  queue.push(rt);
}
// Deno's runs are usually the longest: started first, the other lane takes the rest meanwhile.
queue.sort((a, b) => (b.runtime === "deno") - (a.runtime === "deno"));

let failed = 0;
async function runOne(rt) {
  console.log(`\n===== ${rt.name}: ${testFiles.length} test files =====`);
  const result = await run(rt);
  writeFileSync(join(resultsDir, `${rt.name}.json`), JSON.stringify(result));
  console.log(`===== ${rt.name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (${result.seconds.toFixed(1)} s) =====`);
  failed += result.failed;
}
const slotsDir = process.env.CONCURRENT_TEST_SLOTS;
if (slotsDir) {
  // Machine-wide lanes: every runtime waits for a slot on its own.
  const pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
  const plan = pkg.concurrentTest ?? {};
  await Promise.all(
    queue.map((rt) =>
      withSlot(slotsDir, jobs, { weight: plan.seconds?.[rt.name] ?? 5, label: `${pkg.name}-${rt.name}`, exclusive: plan.exclusive === true }, () => runOne(rt)),
    ),
  );
} else {
  const lane = async () => {
    for (let rt = queue.shift(); rt; rt = queue.shift()) await runOne(rt);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, lane));
}
process.exit(failed > 0 ? 1 : 0);
