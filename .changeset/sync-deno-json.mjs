// `changeset version` rewrites package.json only; JSR reads the version from deno.json.
// Run after it: copies each public package's new version into its deno.json.
import { readFileSync, writeFileSync, existsSync } from "node:fs";

for (const name of ["core", "node", "bun", "deno", "futures", "bullmq"]) {
  const dir = new URL(`../packages/${name}/`, import.meta.url);
  const file = new URL("deno.json", dir);
  if (!existsSync(file)) continue;
  const { version } = JSON.parse(readFileSync(new URL("package.json", dir), "utf8"));
  const deno = JSON.parse(readFileSync(file, "utf8"));
  deno.version = version;
  for (const [spec, target] of Object.entries(deno.imports ?? {})) {
    if (spec.startsWith("@concurrent/")) deno.imports[spec] = target.replace(/@[^@/]+$/, `@^${version}`);
  }
  writeFileSync(file, JSON.stringify(deno, null, 2) + "\n");
}
