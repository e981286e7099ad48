// A program that uses WorkerPoolExecutor, bundled into one file or compiled into one
// executable the way services and CLIs ship, with each bundler or compiler from npm
// (esbuild and vite: this package's devDependencies; bun and deno: the repo root's).
// Each output is copied into an empty folder (no node_modules, no package.json) with the
// module task beside it — or inside it, for bun --compile — and run there; its output is
// checked and its size reported. `deno compile` downloads the runtime it embeds, so the
// offline suite cannot run it (the README says how it works).
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { runtimes } from "@concurrent/testkit/runtimes";
import { installing, ok, project, repo, run, work } from "./suite.mjs";

const bin = (name) => join(repo, "node_modules/.bin", name);
const runtime = (name) => runtimes().find((rt) => rt.name === name)?.bin;
const node = runtime("node");
const bun = runtime("bun");
const deno = runtime("deno");

const EXPECTED = { square: 49, map: [1, 1, 2, 3, 5, 8, 13, 21], fib: 6765 };

const CASES = [
  {
    name: "esbuild --bundle --platform=node --format=esm, run by Node 20",
    build: [bin("esbuild"), ["bundle/main.mjs", "--bundle", "--platform=node", "--format=esm", "--outfile=out/esbuild/main.mjs", "--log-level=warning"]],
    output: "out/esbuild/main.mjs",
    run: (file) => [node, [file]],
  },
  {
    name: "bun build --target=bun, run by Bun",
    build: [bun, ["build", "bundle/main.mjs", "--target=bun", "--outfile=out/bun/main.js"]],
    output: "out/bun/main.js",
    run: (file) => [bun, [file]],
  },
  {
    name: "bun build --compile, the module task as a second entry point: one executable",
    build: [bun, ["build", "--compile", "bundle/main.mjs", "bundle/tasks.mjs", "--outfile=out/bun-compile/main"]],
    output: "out/bun-compile/main",
    compiled: true,
    run: (file) => [file, []],
  },
  {
    name: "deno bundle --platform=deno, run by Deno with --allow-read",
    build: [deno, ["bundle", "--platform=deno", "-o", "out/deno/main.mjs", "bundle/main.mjs"]],
    output: "out/deno/main.mjs",
    run: (file) => [deno, ["run", "--allow-read", file]],
  },
  {
    name: "vite build --ssr with ssr.noExternal, run by Node 20",
    build: [bin("vite"), ["build", "--config", "bundle/vite.config.mjs"]],
    output: "out/vite/main.mjs",
    run: (file) => [node, [file]],
  },
];

for (const c of CASES) {
  test(`bundled: ${c.name}: submit, map and a module task give the right results from a folder with nothing else`, { timeout: 180_000 }, async (t) => {
    await installing;
    await ok(c.build[0], c.build[1], { cwd: project, timeout: 120_000 });
    const built = join(project, c.output);
    const size = statSync(built).size;
    const alone = join(work, `alone-${CASES.indexOf(c)}`);
    mkdirSync(alone);
    const file = join(alone, c.output.split("/").pop());
    copyFileSync(built, file);
    if (c.compiled) statSync(file); // the executable carries its module task
    else copyFileSync(join(project, "bundle/tasks.mjs"), join(alone, "tasks.mjs"));
    const [cmd, args] = c.run(file);
    const { stdout } = await ok(cmd, args, { cwd: alone, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), EXPECTED);
    t.diagnostic(`size: ${c.output} ${size} bytes (${size >= 1e6 ? `${(size / 1e6).toFixed(1)} MB` : `${(size / 1e3).toFixed(1)} kB`})`);
  });
}

// Where the runtime cannot find the module task — an executable compiled without it — the
// error says what to do.
test("bundled: bun build --compile without the module task as an entry point: the error says to add it", { timeout: 180_000 }, async () => {
  await installing;
  await ok(bun, ["build", "--compile", "bundle/main.mjs", "--outfile=out/bun-compile-alone/main"], { cwd: project, timeout: 120_000 });
  const alone = join(work, "alone-no-tasks");
  mkdirSync(alone);
  const file = join(alone, "main");
  copyFileSync(join(project, "out/bun-compile-alone/main"), file);
  const r = await run(file, [], { cwd: alone, timeout: 60_000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr + r.stdout, /the task module "file:\/\/\/\$bunfs\/root\/tasks\.mjs" could not be loaded/);
  assert.match(r.stderr + r.stdout, /name the task module as an entry point too \(bun build --compile \.\/main\.ts \.\/tasks\.ts\)/);
  assert.doesNotMatch(r.stderr + r.stdout, /data:text\/javascript;base64/, "the embedded worker's data: URL is not printed");
});
