// Credit through shared memory, for a stream whose producer runs in another thread (the
// worker pool). A message per credit grant costs both threads an event-loop wake-up; with
// a small highWaterMark the stream then spends its time on credit round trips. Instead the
// consumer's side adds what its consumer took to a shared counter, and the producer reads it
// when it runs out: while it keeps up, no credit message crosses at all. A producer out of
// credit blocks on the counter for a moment (Atomics.wait, woken by Atomics.notify: no
// event loop involved), then parks and waits for a message (so it is never blocked long).
//
// Cells (Int32, shared): TAKEN — values granted back so far (wraps; only differences count);
// STATE — what the producer is doing: RUNNING, BLOCKED (in Atomics.wait on TAKEN) or PARKED
// (waiting for a message); CLOSED — 1 once the consumer closed the stream.
export const CREDIT_TAKEN = 0;
export const CREDIT_STATE = 1;
export const CREDIT_CLOSED = 2;
const CELLS = 3;

export const PRODUCER_RUNNING = 0;
export const PRODUCER_BLOCKED = 1;
export const PRODUCER_PARKED = 2;

/** The consumer's side of the shared credit cells of one stream. */
export class SharedCredit {
  readonly cells = new Int32Array(new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT));

  /**
   * Give the producer `n` more values. Returns true when the producer is parked and must be
   * told by a message (it reads the counter when it gets one).
   */
  grant(n: number): boolean {
    const cells = this.cells;
    Atomics.add(cells, CREDIT_TAKEN, n);
    const state = Atomics.load(cells, CREDIT_STATE);
    if (state === PRODUCER_BLOCKED) Atomics.notify(cells, CREDIT_TAKEN);
    return state === PRODUCER_PARKED;
  }

  /** Mark the stream closed and wake a blocked producer (a parked one needs the close message). */
  close(): void {
    Atomics.store(this.cells, CREDIT_CLOSED, 1);
    Atomics.notify(this.cells, CREDIT_TAKEN);
  }
}
