// The producer side of a stream, wherever the task runs (in a worker, on the event loop, on
// a queue worker): turn what the task returned into an iterator, and drive it within the
// credit the consumer grants.
import { describeValue } from "../validate.js";

/** Where a producer puts values, and how it learns of credit and of a close. */
export interface ProducerSink {
  /** Values the consumer will still take without asking; the producer pauses at 0. */
  credit: number;
  /** Set when the stream must stop (the consumer closed it, a value could not be sent). */
  closed: boolean;
  /** Deliver one value (it has spent one credit). */
  emit(value: unknown): void;
  /** Resolves once `credit > 0` or `closed`; called when credit runs out. */
  wait(): Promise<void>;
}

export type Source = { iterator: Iterator<unknown> | AsyncIterator<unknown>; sync: boolean };

/** How the producer stopped: the task returned (with its value), or it was closed. */
export type PumpEnd = { closed: false; value: unknown } | { closed: true };

/**
 * The iterator of what a stream task returned (a generator, or any sync or async iterable).
 * @throws {TypeError} naming the task if it is not iterable.
 */
export function sourceOf(value: unknown, taskName: string): Source {
  if (value !== null && value !== undefined) {
    const v = value as Record<symbol, unknown>;
    const asyncIterator = v[Symbol.asyncIterator];
    if (typeof asyncIterator === "function") return { iterator: asyncIterator.call(value) as AsyncIterator<unknown>, sync: false };
    const iterator = v[Symbol.iterator];
    if (typeof iterator === "function") return { iterator: iterator.call(value) as Iterator<unknown>, sync: true };
  }
  throw new TypeError(
    `stream task "${taskName}" returned ${describeValue(value)}, which is not iterable: a stream task must be a generator or async generator function, or return an iterable`,
  );
}

/** A task's name for messages: its function's name, or "anonymous". */
export function taskName(fn: (...args: never[]) => unknown): string {
  return fn.name !== "" ? fn.name : "anonymous";
}

/**
 * Drive `source` until it ends or `sink.closed`: one `next()` per credit, a pause at zero.
 * A sync iterator runs without a microtask per value. On a close the iterator's `return()`
 * runs (its `finally` blocks execute). An error thrown by the task propagates.
 */
export async function pump(source: Source, sink: ProducerSink): Promise<PumpEnd> {
  const { iterator, sync } = source;
  for (;;) {
    if (sink.closed) break;
    if (sink.credit <= 0) {
      await sink.wait();
      continue;
    }
    const step = sync ? (iterator as Iterator<unknown>).next() : await iterator.next();
    if (step.done) return { closed: false, value: step.value };
    sink.credit--;
    sink.emit(step.value);
  }
  if (typeof iterator.return === "function") await iterator.return();
  return { closed: true };
}
