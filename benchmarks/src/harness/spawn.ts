import { spawn } from "node:child_process";

export interface ChildResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  timedOut: boolean;
}

/**
 * Runs a process with a time limit; on expiry it is killed (SIGKILL: a hung pool may ignore
 * SIGTERM) and reported as timed out. stderr passes through so its progress stays visible.
 */
export function runChild(bin: string, args: string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string; inheritStdout?: boolean }): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      stdio: ["ignore", options.inheritStdout ? "inherit" : "pipe", "inherit"],
    });
    let stdout = "";
    let timedOut = false;
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout: `${stdout}\n${error.message}`, timedOut });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, timedOut });
    });
  });
}
