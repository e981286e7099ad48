/**
 * A FIFO queue on a growable ring buffer: O(1) push/shift with no per-item allocation
 * (an array's shift() is O(n) once V8 leaves its fast path).
 */
export class Queue<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item;
    this.#size++;
  }

  /** Put an item back at the front (a task handed back by a dead worker keeps its turn). */
  unshift(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = item;
    this.#size++;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return item;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Remove and return the `n` newest items, oldest first. */
  takeLast(n: number): T[] {
    const out = new Array<T>(n);
    for (let i = n - 1; i >= 0; i--) {
      this.#size--;
      const index = (this.#head + this.#size) & (this.#items.length - 1);
      out[i] = this.#items[index]!;
      this.#items[index] = undefined;
    }
    return out;
  }

  /** Every item, oldest first, left in place. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#head + i) & (this.#items.length - 1)]!);
    return out;
  }

  /** Remove and return every item, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #grow(): void {
    const old = this.#items;
    const items: (T | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
