import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimes } from "@concurrent/testkit/runtimes";
import { runChild } from "./spawn.js";
import type { RuntimeSummary } from "./summary.js";

/** The command that runs `script` on a runtime: the repo's own binaries (testkit finds them). */
export function runtimeCommand(runtime: string, script: string, args: string[]): [string, string[]] | undefined {
  const rt = runtimes().find((r) => r.name === runtime);
  if (!rt?.bin) return undefined;
  if (runtime === "deno") return [rt.bin, ["run", "-A", "--no-check", script, ...args]];
  return [rt.bin, [script, ...args]];
}

/**
 * `--all-runtimes`: runs this CLI again on each runtime, one after the other (never side by
 * side: they would share the two cores and skew each other), each under a time limit, and
 * collects the summaries they write.
 */
export async function runOnRuntimes(wanted: string[], forward: string[]): Promise<RuntimeSummary[]> {
  const script = fileURLToPath(new URL("../cli.js", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const limitMs = Number(process.env.BENCH_RUNTIME_TIMEOUT_MS ?? 20 * 60_000);
  const out: RuntimeSummary[] = [];
  try {
    for (const runtime of wanted) {
      const summaryFile = join(dir, `${runtime}.json`);
      const command = runtimeCommand(runtime, script, [...forward, "--summary-out", summaryFile]);
      if (!command) {
        out.push({ runtime, version: "?", suites: [{ suite: "*", seconds: 0, figures: [], problems: [], error: `${runtime} binary not found` }] });
        continue;
      }
      process.stderr.write(`\n===== ${runtime} =====\n`);
      const t0 = performance.now();
      const result = await runChild(command[0], command[1], { timeoutMs: limitMs, inheritStdout: true, env: { ...process.env, NO_COLOR: "1" } });
      try {
        out.push(JSON.parse(readFileSync(summaryFile, "utf8")) as RuntimeSummary);
      } catch {
        const why = result.timedOut ? `timeout: killed after ${limitMs} ms` : `exited with ${result.code ?? result.signal} and no summary`;
        out.push({ runtime, version: "?", suites: [{ suite: "*", seconds: (performance.now() - t0) / 1000, figures: [], problems: [], error: why }] });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
