/**
 * `BENCH_SLOW_SUBMIT_US`: a busy wait of that many microseconds (fractions allowed) added to
 * every submit of our executors (and to every chunk `map` sends). It exists to prove that the
 * CI gates catch a slower executor; a real run leaves it unset. No import of the library here:
 * the PR gate's probe applies it to whichever build of the library it measures.
 */
export function slowSubmitMicros(): number {
  const us = Number(process.env.BENCH_SLOW_SUBMIT_US ?? 0);
  return Number.isFinite(us) && us > 0 ? us : 0;
}

function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // busy: the delay must cost the caller's thread, as a slower submit path would
  }
}

/** The executor with BENCH_SLOW_SUBMIT_US wired into its submit path (itself when unset). */
export function slowed<E extends object>(executor: E): E {
  return slowedBy(executor, slowSubmitMicros());
}

/** The executor with a busy wait of `us` µs in its submit path (itself for 0). */
export function slowedBy<E extends object>(executor: E, us: number): E {
  if (!(us > 0)) return executor;
  const target = executor as unknown as { submit: (...a: unknown[]) => unknown; _submitChunk?: (...a: unknown[]) => unknown };
  const submit = target.submit.bind(executor);
  target.submit = (...args: unknown[]) => {
    spin(us);
    return submit(...args);
  };
  const submitChunk = target._submitChunk?.bind(executor);
  if (submitChunk)
    target._submitChunk = (...args: unknown[]) => {
      spin(us);
      return submitChunk(...args);
    };
  return executor;
}
