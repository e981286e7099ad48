// The release workflow's version step (Changesets' action runs one command, no shell):
// `changeset version` bumps the fixed group and writes the changelogs, then each jsr.json
// gets the new version and the lockfile the new pins.
import { execSync } from "node:child_process";

const run = (cmd) => execSync(cmd, { stdio: "inherit", cwd: new URL("..", import.meta.url) });
run("npx changeset version");
run("node .changeset/sync-jsr-json.mjs");
run("npm install --package-lock-only --no-audit --no-fund");
