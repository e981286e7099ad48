// Types of helpers.mjs.
import type { ChildProcess } from "node:child_process";

export type Runtime = "node" | "bun" | "deno";

export function sleep(ms: number): Promise<void>;
export function until(check: () => boolean | Promise<boolean>, what: string, boundMs?: number): Promise<void>;
export function throwsOrRejects<E extends Error>(fn: () => unknown, expected: abstract new (...args: never[]) => E, mentions?: RegExp): Promise<E>;
export function throwsOrRejects(fn: () => unknown, expected: (error: unknown) => boolean, what?: string): Promise<unknown>;
export function currentRuntime(): Runtime;
export function runtimeBin(runtime?: Runtime): string;
export function commandFor(runtime: Runtime, script: string, args?: string[], denoFlags?: string[]): [string, string[]];

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Deno's permission flags. @default ["--allow-read"] */
  denoFlags?: string[];
  /** Kill the child after this many ms. @default 30000 */
  boundMs?: number;
}

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** It was still running at the bound and was killed. */
  killed: boolean;
}

export interface RunningScript {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<ScriptResult>;
}

export function runOn(runtime: Runtime, script: string | URL, args?: string[], options?: RunOptions): RunningScript;
export function lines(text: string): string[];
