// The cancellation suite's tasks (module tasks): work in small awaits, like a task that waits
// on a downstream, checking its call's signal between steps — or not.
import { currentSignal } from "@concurrent/futures";

const step = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * Works `ms` milliseconds (or forever when `ms` is negative: a hung downstream) in 1 ms
 * steps. With `honour`, it stops at the first step after its signal aborts and returns -1.
 */
export async function work(ms: number, honour: boolean): Promise<number> {
  const end = ms < 0 ? Infinity : Date.now() + ms;
  while (Date.now() < end) {
    if (honour && currentSignal().aborted) return -1;
    await step();
  }
  return ms;
}
