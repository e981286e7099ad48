// The peers suite's CPU figure: our pool and bare threads doing the same batch of fib calls,
// timed in turns in one process (run in a fresh child by harness/peer-host.ts `callFunction`).
import ours from "../peers/ours.js";
import bareThreads from "../peers/bare-threads.js";
import { median } from "../harness/stats.js";

export interface PairedFib {
  /** Median ms of `count` × fib(n) on our warm pool of `cpus` workers. */
  oursMs: number;
  /** Median ms of the same batch on `cpus` bare threads started by hand. */
  bareMs: number;
  checksum: number;
}

/**
 * `count` × fib(`n`) on our pool against bare threads, timed in turns: each round times one
 * batch of each, the side that goes first alternating, after `warmRounds` untimed rounds.
 * Neither side allocates while it computes, so neither leaves garbage for the other. In
 * separate processes the figure moved 0.92–1.07 on Bun from run to run with no change to the
 * path: the two sides met the VM's CPU at different moments.
 */
export async function pairedFib(n: number, count: number, rounds: number, warmRounds: number, cpus: number): Promise<PairedFib> {
  const pool = ours();
  const bare = bareThreads();
  await pool.start({ workers: cpus, cpus });
  await bare.start({ workers: cpus, cpus });
  try {
    const oursMs: number[] = [];
    const bareMs: number[] = [];
    let checksum = 0;
    const time = async (side: typeof pool): Promise<number> => {
      const t0 = performance.now();
      checksum += await side.fib!(n, count);
      return performance.now() - t0;
    };
    for (let i = 0; i < warmRounds + rounds; i++) {
      const oursFirst = i % 2 === 0;
      const first = await time(oursFirst ? pool : bare);
      const second = await time(oursFirst ? bare : pool);
      if (i >= warmRounds) {
        oursMs.push(oursFirst ? first : second);
        bareMs.push(oursFirst ? second : first);
      }
    }
    return { oursMs: median(oursMs), bareMs: median(bareMs), checksum };
  } finally {
    await pool.close();
    await bare.close();
  }
}
