// `changeset version` rewrites package.json only; JSR reads the version from jsr.json.
// Run after it: copies each public package's new version into its jsr.json.
import { readFileSync, writeFileSync, existsSync } from "node:fs";

for (const name of ["core", "node", "bun", "deno", "futures", "bullmq"]) {
  const dir = new URL(`../packages/${name}/`, import.meta.url);
  const file = new URL("jsr.json", dir);
  if (!existsSync(file)) continue;
  const { version } = JSON.parse(readFileSync(new URL("package.json", dir), "utf8"));
  const jsr = JSON.parse(readFileSync(file, "utf8"));
  jsr.version = version;
  writeFileSync(file, JSON.stringify(jsr, null, 2) + "\n");
}
