// The import rules of this repo, checked from the source text (no build needed):
//
// - core names no runtime: no `node:*`, `bun:*` or `bun` import, and no `Deno` or `Bun`
//   identifier in code (comments and strings aside) under packages/core/src;
// - sibling adapters (node, bun, deno) never import one another;
// - no relative import reaches into another workspace (use its package name);
// - no import cycle inside a package's src (type-only imports do not count: they vanish
//   at run time).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;
const SKIP_DIRS = new Set(["node_modules", "dist", "dist-test", ".turbo", ".test-results", "test-output", "docs-api", "results"]);
const ADAPTERS = ["@concurrent/node", "@concurrent/bun", "@concurrent/deno"];

/** The workspaces of the repo at `root`: { name, dir }. */
export function workspaces(root) {
  const patterns = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces ?? [];
  const dirs = [];
  for (const pattern of patterns) {
    if (pattern.endsWith("/*")) {
      const base = join(root, pattern.slice(0, -2));
      for (const name of existsSync(base) ? readdirSync(base).sort() : []) dirs.push(join(base, name));
    } else dirs.push(join(root, pattern));
  }
  return dirs
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ name: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name, dir }));
}

function sourceFiles(dir) {
  const out = [];
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (SKIP_DIRS.has(name) || name.startsWith(".")) continue;
    const file = join(dir, name);
    if (statSync(file).isDirectory()) out.push(...sourceFiles(file));
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(file);
  }
  return out;
}

/** The text with comments blanked out, and (with `strings`) string and template contents too. */
function strip(text, strings) {
  let out = "";
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += strings ? c + text.slice(i + 1, j).replace(/[^\n]/g, " ") + c : text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Every import, re-export, dynamic import() and require() of `text`: { specifier, typeOnly, line }. */
export function importsOf(text) {
  const code = strip(text, false);
  const found = [];
  const patterns = [
    /(?:^|;)[ \t]*(import|export)\s+(type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/gm,
    /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const match of code.matchAll(patterns[0])) {
    const clause = match[0];
    // `import { type A, type B } from` is type-only too.
    const braces = /\{([^}]*)\}/.exec(clause)?.[1];
    const allTypes = braces !== undefined && !/\*|^\s*(?:import|export)\s+[\w$]+\s*,/.test(clause) && braces.split(",").every((part) => !part.trim() || /^type\s/.test(part.trim()));
    found.push({ specifier: match[3], typeOnly: Boolean(match[2]) || allTypes, line: code.slice(0, match.index).split("\n").length });
  }
  for (const match of code.matchAll(patterns[1])) {
    found.push({ specifier: match[1], typeOnly: false, line: code.slice(0, match.index).split("\n").length });
  }
  return found;
}

function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.(m|c)?js$/, ".$1ts"), base.replace(/\.(m|c)?js$/, ".tsx"), `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
}

function inside(dir, file) {
  const rel = relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
}

/** The runtime import cycles among `files` (relative, not type-only imports). */
function cycles(files, edges) {
  const found = [];
  const state = new Map(); // 1: on the stack, 2: done
  const stack = [];
  const visit = (file) => {
    state.set(file, 1);
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 1) found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 2);
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

/** Every breach of the rules in the repo at `root`, as readable lines (empty: none). */
export function checkImports(root) {
  const problems = [];
  const all = workspaces(root);
  for (const { name, dir } of all) {
    const files = sourceFiles(dir);
    const edges = new Map();
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const where = (line) => `${relative(root, file)}:${line}`;
      const isCoreSrc = name === "@concurrent/core" && inside(join(dir, "src"), file);
      if (isCoreSrc) {
        const code = strip(text, true);
        for (const match of code.matchAll(/\b(Deno|Bun)\b/g)) {
          problems.push(`${where(code.slice(0, match.index).split("\n").length)}: core names the runtime global ${match[1]}`);
        }
      }
      for (const { specifier, typeOnly, line } of importsOf(text)) {
        if (isCoreSrc && (/^(node|bun):/.test(specifier) || specifier === "bun")) {
          problems.push(`${where(line)}: core imports the runtime module "${specifier}"`);
        }
        if (ADAPTERS.includes(name)) {
          const sibling = ADAPTERS.find((a) => a !== name && (specifier === a || specifier.startsWith(`${a}/`)));
          if (sibling) problems.push(`${where(line)}: adapter ${name} imports its sibling ${sibling}`);
        }
        if (!specifier.startsWith(".")) continue;
        const target = resolveRelative(file, specifier);
        if (!inside(dir, target)) {
          const owner = all.find((w) => inside(w.dir, target));
          problems.push(`${where(line)}: relative import "${specifier}" reaches into ${owner ? owner.name : relative(root, target)}; import it by package name`);
          if (owner && ADAPTERS.includes(name) && ADAPTERS.includes(owner.name)) {
            problems.push(`${where(line)}: adapter ${name} imports its sibling ${owner.name}`);
          }
          continue;
        }
        if (!typeOnly && inside(join(dir, "src"), file) && inside(join(dir, "src"), target)) {
          if (!edges.has(file)) edges.set(file, []);
          edges.get(file).push(target);
        }
      }
    }
    for (const cycle of cycles([...edges.keys()].sort(), edges)) {
      problems.push(`${name}: import cycle ${cycle.map((f) => relative(dir, f)).join(" -> ")}`);
    }
  }
  return problems;
}
