// What both discrete-event simulations (sizing-sim.ts, keys-sim.ts) run on: a min-heap of
// events by time, ties broken by the order they were pushed (`seq`), so a run is the same
// every time; and their seeded PRNG.
export { mulberry32 } from "@concurrent/testkit/random";

/** An event at time `t`; `seq` (increasing as pushed) orders events at the same time. */
export interface TimedEvent {
  t: number;
  seq: number;
}

export class EventHeap<E extends TimedEvent> {
  private items: E[] = [];
  get size(): number {
    return this.items.length;
  }
  private less(x: E, y: E): boolean {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
  push(e: E): void {
    const a = this.items;
    a.push(e);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  /** The earliest event (the heap must not be empty). */
  pop(): E {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
