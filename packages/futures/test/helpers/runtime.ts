// Which runtime this suite runs on, and how to start a child process of that same runtime.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export type Runtime = "node" | "bun" | "deno";

const g = globalThis as { Bun?: unknown; Deno?: { execPath(): string } };

export const runtime: Runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";

/** The binary of the runtime running this suite (on Deno, `Deno.execPath()`). */
export function execPath(): string {
  return g.Deno ? g.Deno.execPath() : process.execPath;
}

// packages/futures: dist-test/helpers/runtime.js is two levels below it. Children run
// there so Deno finds package.json and resolves "@concurrent/futures" from node_modules.
const packageDir = fileURLToPath(new URL("../../", import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The child was still running at the bound and was killed. */
  killed: boolean;
}

/**
 * Runs the compiled fixture `script` (a URL under dist-test/fixtures) in a child process of
 * this runtime with `args`. Deno gets only --allow-read, the one permission a pool needs.
 * The bound is generous and only catches a process held open forever; it is not a timing
 * assertion.
 */
export function runChild(script: URL, args: string[] = [], boundMs = 30_000): Promise<ChildResult> {
  const file = fileURLToPath(script);
  const argv = runtime === "deno" ? ["run", "--allow-read", file, ...args] : [file, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(execPath(), argv, { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, boundMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}

/** The lines a child printed, without blank ones. */
export function lines(text: string): string[] {
  return text.split("\n").map((l) => l.trim()).filter(Boolean);
}
