#!/usr/bin/env node
// Generates result.schema.json from the `BenchResultFile` type in src/schema.ts.
//   node scripts/json-schema.mjs --write   rewrite result.schema.json
//   node scripts/json-schema.mjs --check   fail when the committed file differs (npm test)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

const here = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const out = here("result.schema.json");

const schema = createGenerator({
  path: here("src/schema.ts"),
  tsconfig: here("tsconfig.json"),
  type: "BenchResultFile",
  expose: "export",
  jsDoc: "extended",
  topRef: false,
  additionalProperties: true,
  skipTypeCheck: true,
}).createSchema("BenchResultFile");
const text = JSON.stringify(
  {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://github.com/concurrent/futures/packages/bench-schema/result.schema.json",
    title: "BenchResultFile",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  },
  null,
  2,
) + "\n";

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(out, "utf8");
  } catch {}
  if (committed !== text) {
    console.error("result.schema.json is stale: run `npm run schema -w @concurrent/bench-schema` and commit it.");
    process.exit(1);
  }
  console.log("result.schema.json matches src/schema.ts");
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
