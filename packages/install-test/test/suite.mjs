// What a user gets from the README's Install section, proved from outside the repo: run its
// `npm run pack`, check each package's `npm publish --dry-run` file list, install the
// tarballs with its `npm install` line into a fresh project in os.tmpdir() (no workspace
// links, no path mapping), run one program there on every runtime, and type-check code
// against the installed .d.ts with `tsc --strict`.
//
// The test orchestrates the runtimes itself (child processes), so the repo runner starts it
// on the machine's Node only.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimes } from "@concurrent/testkit/runtimes";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../../..");
const PACKAGES = ["core", "node", "bun", "deno", "futures", "bullmq"];
const tsc = join(repo, "node_modules/typescript/bin/tsc");

export const work = mkdtempSync(join(tmpdir(), "concurrent-futures-install-"));
const tarballs = join(repo, "tarballs");
export const project = join(work, "project");
after(() => {
  if (process.env.KEEP_INSTALL_TEST) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

// npm, run by `npm test`, passes its own settings down as npm_config_* variables (workspace,
// prefix, …); the user's fresh project must not inherit them.
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: "1", FORCE_COLOR: "0", NO_UPDATE_NOTIFIER: "1", DENO_NO_UPDATE_CHECK: "1", ...extra };
}

export function run(cmd, args, { cwd, timeout = 60_000, env = cleanEnv() } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} did not exit within ${timeout} ms (a pool kept the process alive?)\n${stdout}\n${stderr}`));
    }, timeout);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export async function ok(cmd, args, options) {
  const r = await run(cmd, args, options);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")} exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

// The README's Install section is what a user reads: the test runs its words. In the clone
// (this checkout, already installed by `npm ci`) that is `npm run pack`; in the user's project
// it is the `npm install /path/to/concurrent-futures/tarballs/…` line, with the path put in.
const readme = readFileSync(join(repo, "README.md"), "utf8");
const installSection = readme.slice(readme.indexOf("\n## Install\n"), readme.indexOf("\n## ", readme.indexOf("\n## Install\n") + 1));
const README_PATH = "/path/to/concurrent-futures";
export const readmeInstall = installSection.match(new RegExp(`^npm install ${README_PATH}/tarballs/\\S+$`, "m"))?.[0];

// Each step waits for the one before, so a failure is reported once, where it happened.
let packed;
const packing = (async () => {
  assert.match(installSection, /^npm run pack$/m, "the README's Install section says `npm run pack`");
  cpSync(join(here, "project"), project, { recursive: true });
  // Old tarballs go first, so the ones installed below are the ones this run packed.
  for (const f of readdirSync(tarballs)) if (f.endsWith(".tgz")) rmSync(join(tarballs, f));
  await ok("npm", ["run", "pack"], { cwd: repo, timeout: 600_000 });
  // `npm publish --dry-run` of each public package: what the registry would get, file by file.
  packed = [];
  for (const p of PACKAGES) {
    const { stdout } = await ok("npm", ["publish", "--dry-run", "--json", "--workspace", `packages/${p}`], { cwd: repo, timeout: 120_000 });
    const json = JSON.parse(stdout);
    packed.push(json[`@concurrent/${p}`] ?? json);
  }
  return packed;
})();
packing.catch(() => {});

test("npm run pack, npm publish --dry-run: each public package holds built ESM, .d.ts with maps to the shipped sources, README and LICENSE, and nothing else", async () => {
  const list = await packing;
  assert.deepEqual(list.map((p) => p.name).sort(), PACKAGES.map((p) => `@concurrent/${p}`).sort());
  const versions = new Set(list.map((p) => p.version));
  assert.equal(versions.size, 1, `versions move together: ${[...versions]}`);
  for (const p of list) {
    const files = p.files.map((f) => f.path);
    for (const required of ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts", "dist/index.d.ts.map"]) {
      assert.ok(files.includes(required), `${p.name} lacks ${required}`);
    }
    // npm adds every README.md it meets (core's src/sizing/README.md, linked from the docs).
    const stray = files.filter((f) => !/^(package\.json|(.+\/)?README\.md|LICENSE|CHANGELOG\.md|dist\/.+\.(js|d\.ts)(\.map)?|src\/.+\.ts)$/.test(f));
    assert.deepEqual(stray, [], `${p.name} ships files that are not part of the package`);
    assert.deepEqual(files.filter((f) => /(^|\/)(test|tests|fixtures|dist-test)\/|\.test\./.test(f)), [], `${p.name} ships tests`);
    // Every source shipped is one that a map points to, and every map points at a shipped file.
    const sources = new Set(files.filter((f) => f.startsWith("src/") && f.endsWith(".ts")));
    const mapped = new Set();
    for (const map of files.filter((f) => f.endsWith(".map"))) {
      const json = JSON.parse(readFileSync(join(repo, "packages", p.name.split("/")[1], map), "utf8"));
      for (const s of json.sources) {
        const target = join(dirname(map), s).replaceAll("\\", "/");
        assert.ok(files.includes(target), `${p.name}: ${map} points at ${target}, which is not in the tarball`);
        mapped.add(target);
      }
    }
    assert.deepEqual([...sources].filter((s) => !mapped.has(s)), [], `${p.name} ships sources that no map points to`);
    const manifest = JSON.parse(readFileSync(join(repo, "packages", p.name.split("/")[1], "package.json"), "utf8"));
    assert.equal(manifest.type, "module");
    assert.equal(manifest.license, "MIT");
    assert.match(manifest.engines?.node ?? "", />=\s*20/);
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === "string") continue;
      assert.equal(Object.keys(target)[0], "types", `${p.name} exports["${subpath}"]: types must come first`);
    }
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dep.startsWith("@concurrent/")) assert.equal(range, p.version, `${p.name} depends on ${dep}@${range}, not the version it moves with`);
    }
  }
  const core = JSON.parse(readFileSync(join(repo, "packages/core/package.json"), "utf8"));
  assert.deepEqual(Object.keys(core.dependencies ?? {}), [], "@concurrent/core has no runtime dependencies");
  const futures = JSON.parse(readFileSync(join(repo, "packages/futures/package.json"), "utf8"));
  assert.deepEqual(Object.keys(futures.exports["."]), ["types", "deno", "bun", "node", "default"]);
});

let installed;
export const installing = (async () => {
  const list = await packing;
  for (const p of list) assert.ok(existsSync(join(tarballs, p.filename)), `npm run pack wrote tarballs/${p.filename}`);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "outside-project", private: true, type: "module", devDependencies: { "@types/node": "^24.0.0" } }, null, 2),
  );
  await ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project, timeout: 120_000 });
  // The README's line, run by bash (it uses brace expansion) with the clone's path put in.
  assert.ok(readmeInstall, "the README's Install section has the `npm install /path/to/concurrent-futures/tarballs/…` line");
  const line = readmeInstall.replace(README_PATH, repo);
  const quiet = { npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_loglevel: "error" };
  await ok("bash", ["-c", line], { cwd: project, timeout: 120_000, env: cleanEnv(quiet) });
  // The scale-out package, as the README says: its tarball too.
  const bullmq = list.find((p) => p.name === "@concurrent/bullmq").filename;
  await ok("npm", ["install", join(tarballs, bullmq)], { cwd: project, timeout: 120_000, env: cleanEnv(quiet) });
  installed = true;
})();
installing.catch(() => {});

test("npm install: the tarballs install into a fresh project outside the repo, as copies, not links", async () => {
  await installing;
  assert.ok(!isInside(realpathSync(project), realpathSync(repo)), "the project is outside the repository");
  for (const p of PACKAGES) {
    const dir = join(project, "node_modules/@concurrent", p);
    assert.ok(existsSync(join(dir, "dist/index.js")), `${p} installed`);
    assert.ok(!isInside(realpathSync(dir), realpathSync(repo)), `${p} is a copy, not a link into the repo`);
  }
  // npm resolved the internal dependencies to the installed tarballs, not to the registry.
  const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
  const nested = Object.keys(lock.packages).filter((k) => /node_modules\/@concurrent\/.+\/node_modules\/@concurrent\//.test(k));
  assert.deepEqual(nested, []);
});

function isInside(file, dir) {
  return !relative(dir, file).startsWith("..");
}

const EXPECTED = {
  functionTask: 49,
  moduleTask: 6765,
  moduleTaskAsync: "x40",
  map: [1, 1, 2, 3, 5, 8, 13, 21, 34, 55],
  asCompleted: ["55", "AB", "x10"],
  workerError: "RangeError:E_BAD",
  ioMap: [2, 3, 4],
  waitBefore: 3,
  ioAsCompleted: ["c:99", "a:97", "b:98"],
  waitAfter: 3,
};

// Deno: a pool needs only --allow-read (the worker module and the task modules), as the
// README says; bullmq and ioredis want more (env, net), so that program gets -A.
function commandFor(rt, file, denoPermissions = ["--allow-read"]) {
  if (rt.runtime === "deno") return [rt.bin, ["run", ...denoPermissions, file]];
  if (rt.runtime === "bun") return [rt.bin, ["run", file]];
  return [rt.bin, [file]];
}

for (const rt of runtimes()) {
  const expectedRuntime = rt.runtime;
  test(`${rt.name}: the program runs from the outside project: both executors, a function task, a module task from that project, map, asCompleted, wait`, { skip: rt.bin ? false : `not available here: ${rt.why}` }, async () => {
    await installing;
    const [cmd, args] = commandFor(rt, "main.mjs");
    const { stdout } = await ok(cmd, args, { cwd: project, timeout: 45_000 });
    const lines = stdout.trim().split("\n");
    const out = JSON.parse(lines[lines.length - 1]);
    assert.equal(out.runtime, expectedRuntime);
    assert.equal(out.adapter, expectedRuntime, "the export condition picked this runtime's adapter");
    const { runtime, adapter, ...rest } = out;
    assert.deepEqual(rest, EXPECTED);
  });

  test(`${rt.name}: @concurrent/bullmq loads from its tarball with bullmq and ioredis`, { skip: rt.bin ? false : `not available here: ${rt.why}` }, async () => {
    await installing;
    const [cmd, args] = commandFor(rt, "bullmq.mjs", ["-A"]);
    const { stdout } = await ok(cmd, args, { cwd: project, timeout: 45_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), { bullmq: true });
  });
}

async function typecheck(config) {
  await installing;
  cpSync(join(here, "types"), join(project, "types"), { recursive: true });
  // tsc over the installed .d.ts takes ~50 s on a busy 2-core machine.
  return run(process.execPath, [tsc, "-p", join(project, "types", config), "--pretty", "false"], { cwd: project, timeout: 240_000 });
}

test("types: tsc --strict on the installed .d.ts: submit infers Future<R> (function, taskModule export), wrong arguments and wrong uses fail, map yields R, asCompleted/wait keep mixed future types", async () => {
  const r = await typecheck("tsconfig.json");
  assert.equal(r.code, 0, `tsc found errors:\n${r.stdout}${r.stderr}`);
});

// A Node user's usual config has @types/node and no lib.dom: the .d.ts must not name
// lib.dom-only globals (core types transfer lists as its own TransferItem for this reason).
test("types: the same tests with @types/node and no lib.dom", async () => {
  const r = await typecheck("tsconfig.node.json");
  assert.equal(r.code, 0, `tsc found errors:\n${r.stdout}${r.stderr}`);
});

test("types: the control fails as it must (an unused @ts-expect-error and a false Equal are errors)", async () => {
  const r = await typecheck("control/tsconfig.json");
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /unused\.ts\(5,1\): error TS2578: Unused '@ts-expect-error' directive/);
  assert.match(r.stdout, /unused\.ts\(8,\d+\): error TS2344/);
  assert.equal(r.stdout.trim().split("\n").length, 2, r.stdout);
});

// JSR: each package but the Bun adapter has a jsr.json (name, version, exports of its TS
// sources); the release workflow publishes them with .changeset/publish-jsr.mjs, which this
// runs with --dry-run (offline: npm dependencies resolve from the repo's node_modules).
// The Bun adapter is not on JSR: Deno type-checks JSR packages with Deno's types, and Bun
// users install from npm.
const JSR = ["core", "node", "deno", "futures", "bullmq"];
test("jsr: every jsr.json moves with its package.json version, and deno publish --dry-run passes", async () => {
  for (const p of JSR) {
    const pkg = JSON.parse(readFileSync(join(repo, "packages", p, "package.json"), "utf8"));
    const jsr = JSON.parse(readFileSync(join(repo, "packages", p, "jsr.json"), "utf8"));
    assert.equal(jsr.name, pkg.name);
    assert.equal(jsr.version, pkg.version, `${p}/jsr.json: run node .changeset/sync-jsr-json.mjs after changeset version`);
  }
  const r = await run(process.execPath, [join(repo, ".changeset/publish-jsr.mjs"), "--dry-run"], { cwd: repo, timeout: 120_000 });
  const output = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "");
  assert.equal(r.code, 0, output);
  for (const p of JSR) assert.match(output, new RegExp(`Simulating publish of @concurrent/${p}@`));
  assert.match(output, /Success Dry run complete/);
});
