// Publishes the JSR packages (core, node, deno, futures, bullmq: each with a jsr.json) with
// `deno publish`; `--dry-run` only simulates it (the install test runs that in `npm test`).
// The release workflow runs it for real, in CI only: JSR authenticates the GitHub Actions
// job by its OIDC token (permissions: id-token: write).
//
// Each package has a jsr.json, not a deno.json: Deno would read a deno.json as the package's
// config, and its name + exports would make the package's own tests (which import
// "@concurrent/core" etc.) load the TS sources instead of the built ones. `deno publish`
// needs the members to see each other, so it runs in a copy with a generated workspace
// deno.json; npm dependencies (bullmq, ioredis) resolve from the repo's node_modules.
// --sloppy-imports: the sources import "./x.js" for "./x.ts" (as tsc wants); publish rewrites them.
// --allow-slow-types: two exports still lack an explicit type (futures' WorkerPoolExecutor
// = bindAdapter(...), bullmq's QueueExecutor.id); without it JSR generates no .d.ts for npm users.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const JSR = ["core", "node", "deno", "futures", "bullmq"];

const repo = fileURLToPath(new URL("..", import.meta.url));
const dryRun = process.argv.includes("--dry-run");
const deno = join(dirname(createRequire(import.meta.url).resolve("deno/package.json")), "deno");

const copy = mkdtempSync(join(tmpdir(), "concurrent-futures-jsr-"));
try {
  for (const p of JSR) {
    for (const f of ["package.json", "jsr.json", "README.md", "LICENSE", "src"]) {
      const from = join(repo, "packages", p, f);
      if (existsSync(from)) cpSync(from, join(copy, "packages", p, f), { recursive: true });
    }
  }
  cpSync(join(repo, "package.json"), join(copy, "package.json"));
  symlinkSync(join(repo, "node_modules"), join(copy, "node_modules"), "dir");
  writeFileSync(join(copy, "deno.json"), JSON.stringify({ workspace: JSR.map((p) => `./packages/${p}`) }));
  const args = ["publish", ...(dryRun ? ["--dry-run"] : []), "--allow-dirty", "--sloppy-imports", "--allow-slow-types"];
  const r = spawnSync(deno, args, { cwd: copy, stdio: "inherit", env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" } });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(copy, { recursive: true, force: true });
}
