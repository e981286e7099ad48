// The queue worker's module check (issue 14, items 1–2), without Redis: checkModule compares
// the module import() would load — after URL normalisation and, for file: URLs, symlinks —
// with the allowed locations. The property test generates hostile URLs from the prefixes and
// `..`/`.` segments, percent-encodings, backslashes, mixed-case schemes, query and hash, over
// a temp dir with symlinks that lead out, and imports every accepted URL to see what loads.
//
// CI runs a fixed seed. To hunt with more: FC_RUNS=2000 FC_SEED=$RANDOM node --test dist-test/trust.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { checkModule, type TrustPolicy } from "@concurrent/bullmq";

const seed = Number(process.env["FC_SEED"] ?? 14);
const runs = Number(process.env["FC_RUNS"] ?? 300);

// root/allowed/{a.mjs, sub/b.mjs, link-out.mjs -> ../outside/evil.mjs, linkdir -> ../outside}
// root/allowed-evil/x.mjs, root/outside/evil.mjs, root/alias -> allowed
const root = realpathSync(mkdtempSync(join(tmpdir(), "cf-trust-")));
const inside = "export const inside = true;\n";
const outside = "export const inside = false;\n";
mkdirSync(join(root, "allowed", "sub"), { recursive: true });
mkdirSync(join(root, "allowed-evil"));
mkdirSync(join(root, "outside"));
writeFileSync(join(root, "allowed", "a.mjs"), inside);
writeFileSync(join(root, "allowed", "sub", "b.mjs"), inside);
writeFileSync(join(root, "allowed-evil", "x.mjs"), outside);
writeFileSync(join(root, "outside", "evil.mjs"), outside);
writeFileSync(join(root, "outside", "a.mjs"), outside);
symlinkSync(join(root, "outside", "evil.mjs"), join(root, "allowed", "link-out.mjs"));
symlinkSync(join(root, "outside"), join(root, "allowed", "linkdir"));
symlinkSync(join(root, "allowed"), join(root, "alias"));

const rootUrl = pathToFileURL(root).href; // file:///tmp/cf-trust-…
const allowedReal = join(root, "allowed");

async function loads(url: string): Promise<boolean> {
  const mod = (await import(url)) as { inside?: boolean };
  return mod.inside === true;
}

/** import() of the raw string either fails (Bun rejects `FILE:` schemes) or loads an inside module. */
async function rawImportStaysInside(url: string): Promise<boolean> {
  const loaded = await import(url).then(
    (mod: { inside?: boolean }) => mod.inside,
    () => undefined,
  );
  return loaded !== false;
}

test("modules: `..`, %2e%2e, .%2E, backslashes and symlinks cannot leave a prefix", async () => {
  const policy: TrustPolicy = { modules: [`${rootUrl}/allowed`] };
  const refused = [
    `${rootUrl}/allowed/../outside/evil.mjs`,
    `${rootUrl}/allowed/%2e%2e/outside/evil.mjs`,
    `${rootUrl}/allowed/.%2E/outside/evil.mjs`,
    `${rootUrl}/allowed/..\\outside\\evil.mjs`,
    `${rootUrl}/allowed-evil/x.mjs`, // a prefix is a directory, not a string
    `${rootUrl}/allowed/link-out.mjs`, // a symlink to a file outside
    `${rootUrl}/allowed/linkdir/evil.mjs`, // through a symlinked directory
    `${rootUrl}/allowed/..%2Foutside/evil.mjs`,
    `${rootUrl}/allowed/missing.mjs`,
    "data:text/javascript,export const inside = false",
    "node:child_process",
    "child_process",
    "https://example.com/allowed/a.mjs",
  ];
  for (const url of refused) {
    const verdict = await checkModule(url, policy);
    assert.equal(verdict.ok, false, `${url} must be refused`);
  }
  const accepted = [
    `${rootUrl}/allowed/a.mjs`,
    `${rootUrl}/allowed/sub/../a.mjs`,
    `FILE://${root}/allowed/%61.mjs?x#y`,
    `${rootUrl}/alias/sub/b.mjs`, // a symlink whose real path is inside
  ];
  for (const url of accepted) {
    const verdict = await checkModule(url, policy);
    assert.ok(verdict.ok, `${url} must be accepted`);
    assert.ok(await loads(verdict.url));
    assert.ok(await rawImportStaysInside(url));
  }
});

test("modules: a prefix is compared by its real path too", async () => {
  const verdict = await checkModule(`${rootUrl}/allowed/a.mjs`, { modules: [`${rootUrl}/alias/`] });
  assert.ok(verdict.ok);
  assert.equal((await checkModule(`${rootUrl}/outside/a.mjs`, { modules: [`${rootUrl}/alias/`] })).ok, false);
  // An absolute path works as a prefix as well.
  assert.ok((await checkModule(`${rootUrl}/allowed/a.mjs`, { modules: [allowedReal] })).ok);
});

test("allowFunctions: false runs file: modules only, unless a prefix names another scheme", async () => {
  const noFunctions: TrustPolicy = { allowFunctions: false };
  assert.ok((await checkModule(`${rootUrl}/outside/evil.mjs`, noFunctions)).ok, "any file: module");
  for (const url of [
    "data:text/javascript,export const f = () => 1",
    "node:child_process",
    "NODE:child_process",
    "child_process",
    "bun:ffi",
    "blob:nodedata:1234",
    "https://example.com/tasks.mjs",
    "http://example.com/tasks.mjs",
  ]) {
    const verdict = await checkModule(url, noFunctions);
    assert.equal(verdict.ok, false, `${url} must be refused`);
  }
  assert.ok((await checkModule("node:os", { allowFunctions: false, modules: ["node:"] })).ok);
  assert.ok((await checkModule("https://cdn.example/tasks/a.mjs", { modules: ["https://cdn.example/tasks"] })).ok);
  assert.equal((await checkModule("https://cdn.example/tasks-evil/a.mjs", { modules: ["https://cdn.example/tasks"] })).ok, false);
  assert.equal((await checkModule("https://cdn.example/tasks/../x.mjs", { modules: ["https://cdn.example/tasks/"] })).ok, false);
  // Without any limit every module runs as given (a function task could run anything anyway).
  assert.deepEqual(await checkModule("node:os", {}), { ok: true, url: "node:os" });
});

// ---- the property ------------------------------------------------------------------------

const segment = fc.constantFrom(
  "allowed", "allowed-evil", "outside", "alias", "sub", "linkdir",
  "..", ".", "%2e%2e", ".%2E", "%2E", "%2e", "",
  "a.mjs", "b.mjs", "evil.mjs", "x.mjs", "link-out.mjs", "%61.mjs", "%2e%2e%2fevil.mjs",
);
const scheme = fc.constantFrom("file://", "FILE://", "File://", "fIlE://");
// Mostly none, so that a fair share of the URLs lands inside and is accepted.
const noise = fc.oneof(
  { arbitrary: fc.constant<[string, string][]>([]), weight: 2 },
  { arbitrary: fc.array(fc.tuple(fc.constantFrom("/", "\\"), segment), { minLength: 1, maxLength: 3 }), weight: 1 },
);
const fileUrl = fc
  .tuple(
    scheme,
    noise,
    fc.constantFrom("/allowed", "/alias", "/outside", "/allowed-evil", "\\allowed"),
    noise,
    fc.constantFrom("/a.mjs", "/sub/b.mjs", "/evil.mjs", "/x.mjs", "/link-out.mjs", "/linkdir/evil.mjs", "\\%61.mjs", "/%2e%2e/outside/evil.mjs"),
    fc.constantFrom("", "?v=1", "#h", "?a#b"),
  )
  .map(([s, pre, dir, mid, file, tail]) => s + root + join2(pre) + dir + join2(mid) + file + tail);

function join2(parts: [string, string][]): string {
  return parts.map(([sep, seg]) => sep + seg).join("");
}
const otherUrl = fc.constantFrom(
  "data:text/javascript,export const inside = false",
  "node:child_process",
  "child_process",
  "fs",
  "https://example.com/allowed/a.mjs",
  "blob:nodedata:0",
);
const prefix = fc.constantFrom(`${rootUrl}/allowed`, `${rootUrl}/allowed/`, `${rootUrl}/alias`, `${rootUrl}/allowed/sub/`, `FILE://${root}/allowed`);

function realOf(url: string): string {
  return realpathSync(fileURLToPath(url));
}

test("property: every URL the check accepts loads a module inside an allowed prefix", async () => {
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof({ arbitrary: fileUrl, weight: 5 }, { arbitrary: otherUrl, weight: 1 }), fc.array(prefix, { minLength: 1, maxLength: 2 }), async (url, modules) => {
      const verdict = await checkModule(url, { modules, allowFunctions: false });
      if (!verdict.ok) return;
      accepted++;
      // What the worker imports is a file inside an allowed prefix, by real path …
      const real = realOf(verdict.url);
      const dirs = modules.map(realOf);
      assert.ok(dirs.some((d) => real === d || real.startsWith(d + "/")), `${url} → ${real} is outside ${dirs.join(", ")}`);
      // … the same file import() of the submitted string would load …
      assert.equal(realOf(new URL(url).href), real);
      // … and loading either really gives an allowed module.
      assert.ok(await loads(verdict.url), `${verdict.url} loaded a module outside the prefixes`);
      assert.ok(await rawImportStaysInside(url), `${url} loaded a module outside the prefixes`);
    }),
    { seed, numRuns: runs },
  );
  assert.ok(accepted > runs / 20, `the generator reaches accepted URLs (${accepted} of ${runs})`);
});
