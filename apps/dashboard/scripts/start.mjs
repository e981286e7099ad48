#!/usr/bin/env node
// `npm start` (via turbo, after every workspace this one depends on is built): run a quick
// benchmark pass when there are no results yet, then build the dashboard and serve it.
// `--no-bench` (used by `npm run dashboard`) skips the benchmark pass and serves what exists.
//
// Environment: DASHBOARD_RESULTS_DIR (the folder of result files, default benchmarks/results),
// PORT (default 4173; the next free port is taken if it is busy), HOST (default localhost).
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, preview } from "vite";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = resolve(appDir, "../..");
const configFile = join(appDir, "vite.config.ts");
const resultsDir = process.env.DASHBOARD_RESULTS_DIR
  ? resolve(process.env.DASHBOARD_RESULTS_DIR)
  : join(repoRoot, "benchmarks", "results");
const noBench = process.argv.includes("--no-bench");
const say = (text) => console.log(`[dashboard] ${text}`);

function resultFiles() {
  try {
    return readdirSync(resultsDir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
}

/** Runs npm with `args` in the repo root, output shown as it comes; resolves with the exit code. */
function npm(args) {
  // Under `npm start`, npm_execpath is npm's own CLI script: run it with this Node, which
  // avoids needing a shell to find `npm` (npm.cmd on Windows).
  const execPath = process.env.npm_execpath;
  const [cmd, argv] = execPath && /\.c?js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : ["npm", args];
  return new Promise((resolveCode) => {
    const child = spawn(cmd, argv, { cwd: repoRoot, stdio: "inherit", shell: cmd === "npm" && process.platform === "win32" });
    child.on("error", (error) => {
      console.error(`[dashboard] could not run npm: ${error.message}`);
      resolveCode(127);
    });
    child.on("exit", (code, signal) => resolveCode(code ?? (signal ? 128 : 1)));
  });
}

if (!noBench && resultFiles().length === 0) {
  say(`no result files in ${resultsDir}: running the quick benchmark pass first.`);
  say("$ npm run bench:ci -w @concurrent/benchmarks   (a few minutes; Node, Bun and Deno)");
  const code = await npm(["run", "bench:ci", "-w", "@concurrent/benchmarks"]);
  const found = resultFiles().length;
  if (code !== 0 && found > 0) {
    say(`the benchmark pass exited with code ${code} (see above: a CI gate failure still writes results); showing its ${found} result files.`);
  } else if (code !== 0) {
    console.error(
      `[dashboard] the quick benchmark pass failed (exit code ${code}) and wrote no results; see its output above.\n` +
        "[dashboard] The dashboard will start anyway and say that there are no results. Fix the error, or run `npm run bench`, then `npm run dashboard`.",
    );
  } else {
    say(`benchmark pass done: ${found} result file${found === 1 ? "" : "s"}.`);
  }
} else if (resultFiles().length === 0) {
  say(`no result files in ${resultsDir}: the page will say so. Make some with \`npm run bench\`.`);
}

try {
  say("building the page ...");
  await build({ root: appDir, configFile, logLevel: "warn" });
} catch (error) {
  console.error(`[dashboard] the build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const server = await preview({
  root: appDir,
  configFile,
  logLevel: "warn",
  preview: { port: Number(process.env.PORT ?? 4173), strictPort: false, host: process.env.HOST ?? "localhost", open: false },
});
const url = server.resolvedUrls?.local[0] ?? server.resolvedUrls?.network[0];
say(`${resultFiles().length} result files from ${resultsDir}`);
console.log(`\n  Dashboard: ${url ?? "(no address: see the errors above)"}\n`);
say("press Ctrl+C to stop.");

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.httpServer.close();
    process.exit(0);
  });
}
