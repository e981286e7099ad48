// The peers suite's round trip against raw postMessage, both timed in turns in one process
// (run in a fresh child by harness/peer-host.ts `callFunction`).
import ours from "../peers/ours.js";
import { rawAdapter } from "../peers/raw.js";
import { median } from "../harness/stats.js";

export interface PairedRoundTrip {
  /** Median ms of one task submitted to our warm pool and awaited. */
  oursMs: number;
  /** Median ms of one message to a raw worker and its reply. */
  rawMs: number;
  checksum: number;
  expected: number;
}

const WARM_ROUNDS = 4;

/**
 * One task on a warm pool (ours, `workers` workers) against one raw postMessage round trip
 * (the raw peer as it is), timed in turns: each round times one of ours, then one of raw.
 * Medians of `rounds` each, after WARM_ROUNDS × as many untimed rounds. In separate processes
 * the two compared the processes as much as the paths: a round trip alone moved by up to 2×
 * from one process to the next on this 2-core VM (where the OS puts the threads).
 */
export async function pairedRoundTrip(rounds: number, workers: number): Promise<PairedRoundTrip> {
  const pool = ours();
  const raw = rawAdapter(1);
  await pool.start({ workers, cpus: workers });
  await raw.start({ workers, cpus: workers });
  try {
    const oursMs: number[] = [];
    const rawMs: number[] = [];
    let sum = 0;
    for (let i = 0; i < (WARM_ROUNDS + 1) * rounds; i++) {
      const timed = i >= WARM_ROUNDS * rounds;
      const t0 = performance.now();
      const a = await pool.roundTrip!(1);
      const t1 = performance.now();
      const b = await raw.roundTrip!(1);
      const t2 = performance.now();
      if (timed) {
        oursMs.push(t1 - t0);
        rawMs.push(t2 - t1);
        sum += a + b + 1; // each is 0 * 0
      }
    }
    return { oursMs: median(oursMs), rawMs: median(rawMs), checksum: sum, expected: rounds };
  } finally {
    await pool.close();
    await raw.close();
  }
}
