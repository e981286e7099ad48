import { collectGarbage, rssMB } from "./runtime.js";

export interface RssReport {
  /** RSS before the work, after a GC, MB. */
  baseMB: number;
  /** Highest RSS seen while it ran, MB. */
  peakMB: number;
  /** peak − base: what the work cost in memory. */
  extraMB: number;
  /** RSS once it finished, after a GC, MB. */
  endMB: number;
  ms: number;
}

/** Runs `work` while sampling RSS every `everyMs`; the work must yield to the event loop now and then. */
export async function measureRss<T>(work: () => Promise<T>, everyMs = 10): Promise<{ value: T; rss: RssReport }> {
  collectGarbage();
  const baseMB = rssMB();
  let peakMB = baseMB;
  const timer = setInterval(() => {
    peakMB = Math.max(peakMB, rssMB());
  }, everyMs);
  const t0 = performance.now();
  try {
    const value = await work();
    const ms = performance.now() - t0;
    peakMB = Math.max(peakMB, rssMB());
    collectGarbage();
    return { value, rss: { baseMB, peakMB, extraMB: peakMB - baseMB, endMB: rssMB(), ms } };
  } finally {
    clearInterval(timer);
  }
}
