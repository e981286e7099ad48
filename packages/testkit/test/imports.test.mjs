// The repo's import rules (src/imports.mjs) hold, and the check catches each kind of breach
// when one is planted in a small copy of the layout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkImports, importsOf } from "../src/imports.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));

test("imports: core names no runtime, adapters import no sibling, no relative import crosses a workspace, no cycle in a package", () => {
  assert.deepEqual(checkImports(root), []);
});

function repo(files) {
  const dir = mkdtempSync(join(tmpdir(), "imports-"));
  const all = {
    "package.json": JSON.stringify({ workspaces: ["packages/*"] }),
    "packages/core/package.json": JSON.stringify({ name: "@concurrent/core" }),
    "packages/node/package.json": JSON.stringify({ name: "@concurrent/node" }),
    "packages/deno/package.json": JSON.stringify({ name: "@concurrent/deno" }),
    "packages/core/src/a.ts": 'import { b } from "./b.js";\nimport type { C } from "./c.js";\nexport const a = b;\n',
    "packages/core/src/b.ts": "export const b = 1;\n",
    "packages/core/src/c.ts": 'import { a } from "./a.js";\nexport type C = typeof a; // Deno.exit in a comment is fine\nexport const s = "Bun, in a string, is fine";\n',
    "packages/node/src/index.ts": 'import { Worker } from "node:worker_threads";\nimport { a } from "@concurrent/core";\n',
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return { dir, problems: () => checkImports(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test("imports: the clean layout passes (type-only cycles, runtimes named in comments and strings, node: in an adapter)", () => {
  const r = repo({});
  try {
    assert.deepEqual(r.problems(), []);
  } finally {
    r.cleanup();
  }
});

const planted = [
  ["core importing node:*", { "packages/core/src/os.ts": 'import { cpus } from "node:os";\n' }, /core imports the runtime module "node:os"/],
  ["core importing bun:*", { "packages/core/src/ffi.ts": 'export { dlopen } from "bun:ffi";\n' }, /core imports the runtime module "bun:ffi"/],
  ["core importing bun", { "packages/core/src/b.ts": 'import { serve } from "bun";\nexport const b = serve;\n' }, /core imports the runtime module "bun"/],
  ["core importing node:* dynamically", { "packages/core/src/fs.ts": 'export const fs = await import("node:fs");\n' }, /core imports the runtime module "node:fs"/],
  ["core requiring node:*", { "packages/core/src/req.cts": 'const os = require("node:os");\nexport = os;\n' }, /core imports the runtime module "node:os"/],
  ["core naming Deno", { "packages/core/src/t.ts": "export const t = (globalThis as any).Deno?.pid;\n" }, /core names the runtime global Deno/],
  ["core naming Bun", { "packages/core/src/t.ts": "export const v = Bun.version;\n" }, /core names the runtime global Bun/],
  ["a sibling adapter by name", { "packages/deno/src/x.ts": 'import { adapter } from "@concurrent/node";\n' }, /adapter @concurrent\/deno imports its sibling @concurrent\/node/],
  ["a sibling adapter by path", { "packages/deno/test/x.ts": 'import { s } from "../../node/test/suite.js";\n' }, /reaches into @concurrent\/node/],
  ["a relative import into another workspace", { "packages/node/src/y.ts": 'export * from "../../core/src/b.js";\n' }, /relative import "..\/..\/core\/src\/b.js" reaches into @concurrent\/core/],
  ["a sibling adapter by dynamic import", { "packages/node/src/z.ts": 'export const d = () => import("@concurrent/deno");\n' }, /adapter @concurrent\/node imports its sibling @concurrent\/deno/],
  ["a runtime import cycle in an adapter", { "packages/node/src/index.ts": 'import { y } from "./y.js";\nexport const x = y;\n', "packages/node/src/y.ts": 'export { x as y } from "./index.js";\n' }, /@concurrent\/node: import cycle src\/index.ts -> src\/y.ts -> src\/index.ts/],
  ["a runtime import cycle", { "packages/core/src/b.ts": 'import { s } from "./c.js";\nexport const b = s;\n' }, /@concurrent\/core: import cycle src\/a.ts -> src\/b.ts -> src\/c.ts -> src\/a.ts/],
];
for (const [what, files, expected] of planted) {
  test(`imports: a planted violation is caught: ${what}`, () => {
    const r = repo(files);
    try {
      const problems = r.problems();
      assert.ok(problems.some((p) => expected.test(p)), `expected ${expected} in ${JSON.stringify(problems)}`);
    } finally {
      r.cleanup();
    }
  });
}

test("imports: importsOf tells type-only imports from value imports", () => {
  const found = importsOf(
    'import type { A } from "./a.js";\nimport { type B, type C } from "./b.js";\nimport D, { type E } from "./d.js";\nexport * from "./e.js";\nconst m = await import("./f.js");\nimport "./g.js";\nconst h = require("./h.js");\n',
  );
  assert.deepEqual(
    found.map((i) => [i.specifier, i.typeOnly]),
    [["./a.js", true], ["./b.js", true], ["./d.js", false], ["./e.js", false], ["./g.js", false], ["./f.js", false], ["./h.js", false]],
  );
});
