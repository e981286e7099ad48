// The small helpers every package's tests use, written once: wait a while, wait until
// something holds, expect an error whether it is thrown or rejected, and run a script on a
// runtime (the one running the tests, or another) in a child process.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtimes } from "./runtimes.mjs";

/** Resolves after `ms` ms. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` (sync or async) until it returns true. Throws after `boundMs`: the bound only
 * turns a hang into a failure, it asserts nothing about speed.
 */
export async function until(check, what, boundMs = 20_000) {
  const end = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * Bad input may throw at the call or reject the returned promise; either way it must fail
 * with an error that `expected` accepts: an error class (and, given, a message matching
 * `mentions`), or a predicate.
 */
export async function throwsOrRejects(fn, expected, mentions) {
  let caught = NO_ERROR;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  if (caught === NO_ERROR) throw new Error(`expected an error, but nothing was thrown${mentions ? ` (${mentions})` : ""}`);
  const isClass = typeof expected === "function" && expected.prototype instanceof Error || expected === Error;
  if (isClass) {
    if (!(caught instanceof expected)) throw new Error(`expected a ${expected.name}, got ${describe(caught)}`, { cause: caught });
    if (mentions instanceof RegExp && !mentions.test(caught.message)) {
      throw new Error(`expected a ${expected.name} whose message matches ${mentions}, got ${describe(caught)}`, { cause: caught });
    }
  } else if (!expected(caught)) {
    throw new Error(`${typeof mentions === "string" ? `${mentions}: ` : ""}unexpected error ${describe(caught)}`, { cause: caught });
  }
  return caught;
}

const NO_ERROR = Symbol("no error");

function describe(value) {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}

/** The runtime running this code. */
export function currentRuntime() {
  return globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
}

/** The binary of `runtime`: this process's own for the current runtime, else the repo's (see runtimes.mjs). */
export function runtimeBin(runtime = currentRuntime()) {
  if (runtime === currentRuntime()) return globalThis.Deno ? globalThis.Deno.execPath() : process.execPath;
  const found = runtimes().find((r) => r.runtime === runtime && r.bin);
  if (!found) throw new Error(`no ${runtime} binary found`);
  return found.bin;
}

/** The command line that runs `script` with `args` on `runtime`. Deno gets `denoFlags` (default: read access only). */
export function commandFor(runtime, script, args = [], denoFlags = ["--allow-read"]) {
  const bin = runtimeBin(runtime);
  return runtime === "deno" ? [bin, ["run", ...denoFlags, script, ...args]] : [bin, [script, ...args]];
}

/**
 * Starts `script` (a path or file URL) on `runtime` in a child process and collects its
 * output. `exited` resolves when it has exited (never rejects for a failing script). A
 * child still running after `boundMs` (default 30 s; Infinity for none) is killed: the
 * bound catches a process held open forever and is no timing assertion.
 */
export function runOn(runtime, script, args = [], options = {}) {
  const file = script instanceof URL ? fileURLToPath(script) : script;
  const [bin, argv] = commandFor(runtime, file, args, options.denoFlags);
  const proc = spawn(bin, argv, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let killed = false;
  proc.stdout.on("data", (chunk) => (stdout += chunk.toString()));
  proc.stderr.on("data", (chunk) => (stderr += chunk.toString()));
  const boundMs = options.boundMs ?? 30_000;
  const timer =
    boundMs === Infinity
      ? undefined
      : setTimeout(() => {
          killed = true;
          proc.kill("SIGKILL");
        }, boundMs);
  const exited = new Promise((resolve) => {
    proc.on("error", (error) => {
      stderr += String(error);
    });
    proc.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
  return { proc, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The non-blank lines of `text`, trimmed. */
export function lines(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}
