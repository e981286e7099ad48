// Which module tasks a QueueWorker may import. A job names its module by a string anyone who
// can write to Redis chose, so the check compares the module that import() would load — not
// the string — with the worker's allowed locations, and the worker then imports exactly the
// URL that was checked (so check and load cannot disagree):
//
// - the string becomes a URL as the loader sees it: an absolute URL is parsed (WHATWG
//   normalisation: `..`, `.`, `%2e`, `.%2E`, backslashes and the scheme's case all resolve
//   here), anything else is resolved as an import specifier (`import.meta.resolve`: a bare
//   `child_process` becomes `node:child_process`); the `#hash` is dropped;
// - a `file:` URL is compared by the real path of its file (symlinks resolved, `fs.realpath`),
//   and a `file:` prefix by the real path of its directory (or file), on path-segment
//   boundaries: the prefix `file:///srv/tasks` admits `/srv/tasks/a.mjs`, never
//   `/srv/tasks-evil/a.mjs`;
// - any other scheme (`data:`, `blob:`, `http(s):`, `node:`, `bun:`, `npm:`, `jsr:` …) is
//   admitted only by a prefix of that scheme that names it: `node:` admits every builtin,
//   `https://cdn.example/tasks/` that directory.
//
// Policy: no `modules` and functions allowed — anything (a function task could run anything
// anyway). `allowFunctions: false` without `modules` — `file:` modules only. With `modules`
// — only modules inside one of them.
import { realpath, stat } from "node:fs/promises";
import { sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The worker options the check reads. */
export interface TrustPolicy {
  allowFunctions?: boolean | undefined;
  modules?: readonly string[] | undefined;
}

/** `url`: what to import (the checked, resolved URL); `reason`: why the module is refused. */
export type Verdict = { ok: true; url: string } | { ok: false; reason: string };

/** A `modules` entry as a URL: an absolute URL, or an absolute file path; undefined if neither. */
export function prefixUrl(prefix: string): URL | undefined {
  if (prefix.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(prefix)) return pathToFileURL(prefix);
  try {
    const url = new URL(prefix);
    url.hash = "";
    return url;
  } catch {
    return undefined;
  }
}

/** Whether the module named by `specifier` may run under `policy`, and the URL to import if so. */
export async function checkModule(specifier: string, policy: TrustPolicy): Promise<Verdict> {
  const prefixes = policy.modules;
  if (prefixes === undefined && policy.allowFunctions !== false) return { ok: true, url: specifier };
  const refuse = (why: string): Verdict => ({ ok: false, reason: `module ${JSON.stringify(specifier)} refused: ${why}` });
  const url = resolveSpecifier(specifier);
  if (url === undefined) return refuse("it is neither an absolute URL nor a module specifier this worker can resolve");
  url.hash = "";
  // An encoded "/" or "\" is a separator to some servers and a file name character to the URL
  // parser: the two would disagree about where the module is.
  if (/%(2f|5c)/i.test(url.pathname)) return refuse("its path contains an encoded slash or backslash");

  if (url.protocol === "file:") {
    let real: string;
    try {
      real = await realpath(fileURLToPath(url));
      if (!(await stat(real)).isFile()) return refuse(`${real} is not a file`);
    } catch (error) {
      return refuse(`it names no file on this worker (${(error as Error)?.message ?? String(error)})`);
    }
    const target = pathToFileURL(real);
    target.search = url.search;
    if (prefixes === undefined) return { ok: true, url: target.href };
    for (const prefix of prefixes) {
      const p = prefixUrl(prefix);
      if (p?.protocol !== "file:") continue;
      let dir: string;
      try {
        dir = await realpath(fileURLToPath(p));
      } catch {
        continue; // a prefix that does not exist holds no file
      }
      if (within(real, dir, sep)) return { ok: true, url: target.href };
    }
    return refuse(`its real path ${real} is not inside any of this worker's modules (${prefixes.join(", ")}), compared by real path`);
  }

  const href = url.href;
  for (const prefix of prefixes ?? []) {
    const p = prefixUrl(prefix);
    if (p === undefined || p.protocol === "file:" || p.protocol !== url.protocol) continue;
    if (within(href, p.href, "/")) return { ok: true, url: href };
  }
  return prefixes === undefined
    ? refuse(`with allowFunctions: false this worker runs only file: modules, and ${url.protocol} is not one; name it in modules to allow it`)
    : refuse(`${href} is not inside any of this worker's modules (${prefixes.join(", ")})`);
}

/** `path` is `dir` or inside it, compared on segment boundaries (`dir` may end with the separator, or be a scheme like `node:`). */
export function within(path: string, dir: string, separator: string): boolean {
  if (path === dir) return true;
  const base = dir.endsWith(separator) || dir.endsWith(":") ? dir : dir + separator;
  return path.startsWith(base);
}

function resolveSpecifier(specifier: string): URL | undefined {
  try {
    return new URL(specifier);
  } catch {
    // Not an absolute URL: resolve it as the worker's import() would (a bare package name, a path).
  }
  try {
    return new URL(import.meta.resolve(specifier));
  } catch {
    return undefined;
  }
}
