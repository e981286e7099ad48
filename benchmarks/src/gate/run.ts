import { fileURLToPath } from "node:url";
import type { Progress } from "../harness/progress.js";
import { runtimeCommand } from "../harness/runtimes.js";
import { runChild } from "../harness/spawn.js";
import type { GateSamples } from "./compare.js";
import type { ProbeOutput } from "./probe-figures.js";

const PROBE = fileURLToPath(new URL("../entries/gate-probe.js", import.meta.url));

export interface GateOptions {
  /** Roots of the two checkouts, each built (`packages/futures/dist`). */
  baseRoot: string;
  prRoot: string;
  baseLabel: string;
  prLabel: string;
  runtimes: string[];
  rounds: number;
  /** A busy wait added to the PR side's submits, µs (the gate's detection test). */
  slowPrMicros?: number;
  progress?: Progress;
}

async function probe(runtime: string, o: GateOptions, round: number): Promise<ProbeOutput | undefined> {
  const args = [o.baseRoot, o.prRoot, ...(o.slowPrMicros ? ["--slow-pr-us", String(o.slowPrMicros)] : []), ...(round % 2 ? ["--pr-first"] : [])];
  const command = runtimeCommand(runtime, PROBE, args);
  if (!command) throw new Error(`no ${runtime} binary to run the gate on`);
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await runChild(command[0], command[1], { timeoutMs: 180_000 });
    const line = r.stdout.trim().split("\n").at(-1);
    if (r.code === 0 && line) {
      try {
        return JSON.parse(line) as ProbeOutput;
      } catch {
        // retried below
      }
    }
    process.stderr.write(`gate: a ${runtime} probe failed (code ${r.code}, signal ${r.signal}${r.timedOut ? ", timed out" : ""}); ${attempt ? "giving up" : "retrying"}\n`);
  }
  return undefined;
}

/**
 * Runs the probe on each runtime in `rounds` rounds, each a fresh process that holds both
 * builds and alternates them repetition by repetition; every other round loads the PR first.
 */
export async function runGate(o: GateOptions): Promise<GateSamples> {
  const samples: GateSamples = { base: o.baseLabel, pr: o.prLabel, rounds: o.rounds, runtimes: {} };
  for (const runtime of o.runtimes) {
    const figures: GateSamples["runtimes"][string] = {};
    samples.runtimes[runtime] = figures;
    for (let round = 0; round < o.rounds; round++) {
      o.progress?.update(round + 1, o.rounds, `${runtime} round ${round + 1}/${o.rounds}`);
      const out = await probe(runtime, o, round);
      for (const [name, reps] of Object.entries(out?.figures ?? {})) {
        const f = (figures[name] ??= { base: [], pr: [] });
        f.base.push(reps.base);
        f.pr.push(reps.pr);
      }
    }
  }
  return samples;
}
