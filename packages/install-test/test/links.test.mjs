// Every relative link and #anchor in every markdown file of the repository resolves: the
// file or folder exists, and the anchor is a heading of the target (GitHub's slugs). A
// reader on the repository's web page, or of a README shipped in a package, gets no dead
// link. Links to other sites are not fetched (the suite runs offline).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SKIP = new Set(["node_modules", ".git", ".turbo", "dist", "dist-test", "docs-api", "tarballs", ".test-results"]);

function markdownFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name)) continue;
    const file = join(dir, name);
    if (statSync(file).isDirectory()) out.push(...markdownFiles(file));
    else if (name.endsWith(".md")) out.push(file);
  }
  return out;
}

/** The lines outside fenced code blocks, inline code spans blanked unless `keepCode`. */
function prose(text, keepCode = false) {
  let fence = null;
  return text.split("\n").map((line) => {
    const open = /^\s*(```+|~~~+)/.exec(line);
    if (fence) {
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = null;
      return "";
    }
    if (open) {
      fence = open[1];
      return "";
    }
    return keepCode ? line : line.replace(/(`+)[\s\S]*?\1/g, "");
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1, -2 … for repeats. */
export function anchors(text) {
  const seen = new Map();
  const out = new Set();
  for (const line of prose(text, true)) {
    const h = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line.replace(/`/g, ""));
    if (!h) continue;
    const plain = h[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
    const base = plain.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** [text](target) and ![alt](target) in prose, and [label]: target definitions. */
function links(text) {
  const out = [];
  prose(text).forEach((line, i) => {
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1], line: i + 1 });
    const def = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (def) out.push({ target: def[1], line: i + 1 });
  });
  return out;
}

const files = markdownFiles(repo);

test("links: the repository has markdown files to check (README, docs/, packages)", () => {
  const names = files.map((f) => relative(repo, f));
  for (const expected of ["README.md", "docs/guide.md", "docs/trust.md", "docs/python.md", "packages/core/README.md"]) {
    assert.ok(names.includes(expected), `${expected} is checked`);
  }
});

test("links: every relative link and #anchor in every markdown file resolves", () => {
  const anchorCache = new Map();
  const anchorsOf = (file) => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchors(readFileSync(file, "utf8")));
    return anchorCache.get(file);
  };
  const broken = [];
  for (const file of files) {
    for (const { target, line } of links(readFileSync(file, "utf8"))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …: another site
      const where = `${relative(repo, file)}:${line}: ${target}`;
      const [path, anchor] = target.split("#", 2);
      const resolved = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!existsSync(resolved)) {
        broken.push(`${where} — no such file`);
        continue;
      }
      if (relative(repo, resolved).startsWith("..")) {
        broken.push(`${where} — points outside the repository`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (!resolved.endsWith(".md")) continue; // line anchors (#L10) of source files
      if (!anchorsOf(resolved).has(decodeURIComponent(anchor))) broken.push(`${where} — no heading with that anchor`);
    }
  }
  assert.deepEqual(broken, []);
});

test("links: the checker reads headings as GitHub makes anchors of them, and skips code", () => {
  assert.deepEqual([...anchors("# Time limits and cancellation\n## `stream()` & more\n## Time limits and cancellation\n```\n# not a heading\n```")], [
    "time-limits-and-cancellation",
    "stream--more",
    "time-limits-and-cancellation-1",
  ]);
  assert.deepEqual(
    links("see [a](docs/x.md#y) and `[b](c.md)`\n```\n[d](e.md)\n```\n[ref]: ./f.md").map((l) => l.target),
    ["docs/x.md#y", "./f.md"],
  );
});
