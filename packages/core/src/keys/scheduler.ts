// The keyed queue of AsyncPoolExecutor({ perKey }): one FIFO and one in-flight limit per
// key, and a round-robin over the keys. The executor keeps its own overall limit and
// treats this like its plain Queue (push, shift, size, drain); a pool without perKey
// never touches this file, so its per-call path has no map lookup and no allocation.
//
// Fairness: keys that have calls waiting and room under their own limit stand in a ring.
// shift() takes the key at the front, starts one of its calls and, if it has more, puts
// it at the back: plain round-robin, one call per key per turn (deficit round-robin with
// a quantum of one call; calls are not weighed, as their cost is not known before they
// run). So when the overall limit is what holds calls back, a key with one call waits at
// most one turn of each other waiting key, never behind another key's backlog. A key at
// its own limit leaves the ring and rejoins at the back when one of its calls finishes.
//
// Memory: a key with no calls queued or in flight is idle. Idle keys are forgotten after
// `idleTimeout` ms, and at most `maxIdle` are kept (the longest idle go first), so any
// number of distinct keys passing through leaves a bounded set behind. A forgotten key
// that comes back starts afresh (an "auto" limit learns its downstream again).

import { Queue } from "../queue.js";
import { limitFactory, type AutoLimitOptions, type ConcurrencyLimit } from "../sizing/index.js";
import { SampleWindow, type Percentiles } from "../stats.js";
import type { KeyOptions } from "./options.js";

/** Latency samples kept per key: enough for a p99, small enough for many keys (1 kB). */
const samplesPerKey = 128;

/** What the scheduler needs of a call: the key it was pushed under, and whether it is already done. */
export interface KeyedCall {
  /** Set by {@link KeyedQueue.push}: the call's {@link KeyState}. */
  key: unknown;
  done(): boolean;
}

/** Per-key figures in `stats().keys`. */
export interface KeyStats {
  /** This key's in-flight limit now (fixed `perKey`, or what its `"auto"` limit has learned). */
  limit: number;
  /** This key's calls running now. */
  inFlight: number;
  /** This key's calls waiting for a slot. */
  queued: number;
  /** This key's calls that finished with a value. */
  completed: number;
  /** This key's calls that finished with an error (aborted ones included). */
  failed: number;
  /** How long this key's calls ran, over its most recent calls. */
  runTime: Percentiles;
}

/** One key: its waiting calls, its limit and its counters. */
export class KeyState<T> {
  readonly queue = new Queue<T>();
  inFlight = 0;
  completed = 0;
  failed = 0;
  readonly runTime = new SampleWindow(samplesPerKey);
  /** When a call of this key last finished, or the first of a busy spell started (stall watch). */
  lastProgress = 0;
  /** Standing in the ring of keys that may start a call. */
  ready = false;
  /** In the idle list (no calls queued or in flight) since `idleSince`. */
  idle = false;
  idleSince = 0;

  constructor(
    readonly name: string,
    public limit: number,
    readonly auto: ConcurrencyLimit | undefined,
  ) {}
}

export class KeyedQueue<T extends KeyedCall> {
  readonly #keys = new Map<string, KeyState<T>>();
  /** Idle keys, longest idle first (a Map iterates in insertion order). */
  readonly #idle = new Map<string, KeyState<T>>();
  /** Keys with calls waiting and, when they were put here, room under their limit. */
  readonly #ring = new Queue<KeyState<T>>();
  /** Keys with calls in flight (the stall watch visits only these). */
  readonly #busy = new Set<KeyState<T>>();
  readonly #options: KeyOptions;
  /** With perKey "auto": makes each key's adaptive limit (options resolved once). */
  readonly #newLimit: (() => ConcurrencyLimit) | undefined;
  #size = 0;

  constructor(options: KeyOptions, autoLimit: AutoLimitOptions | undefined) {
    this.#options = options;
    this.#newLimit = options.perKey === "auto" ? limitFactory(autoLimit) : undefined;
  }

  /** Whether each key sizes itself (the executor then runs its stall watch over the keys). */
  get adaptive(): boolean {
    return this.#options.perKey === "auto";
  }

  /** Calls waiting, over every key. */
  get size(): number {
    return this.#size;
  }

  /** Keys remembered now: those with calls, and the idle ones not yet forgotten. */
  get tracked(): number {
    return this.#keys.size;
  }

  /** The key of a call that gave none: `keyOf(...args)` if set, else the default key `""`. */
  keyOf(args: unknown[]): string {
    const keyOf = this.#options.keyOf;
    if (keyOf === undefined) return "";
    const key = keyOf(...args);
    if (typeof key !== "string") throw new TypeError(`AsyncPoolExecutor keyOf must return a string, got ${typeof key}`);
    return key;
  }

  push(call: T, name: string): void {
    let state = this.#keys.get(name);
    if (state === undefined) {
      const auto = this.#newLimit?.();
      state = new KeyState<T>(name, auto?.limit ?? (this.#options.perKey as number), auto);
      this.#keys.set(name, state);
    } else if (state.idle) {
      state.idle = false;
      this.#idle.delete(name);
    }
    call.key = state;
    state.queue.push(call);
    this.#size++;
    if (!state.ready && state.inFlight < state.limit) {
      state.ready = true;
      this.#ring.push(state);
    }
  }

  /** The next call to start: one from the key whose turn it is, or undefined if no key has room. */
  shift(): T | undefined {
    for (;;) {
      const state = this.#ring.shift();
      if (state === undefined) return undefined;
      state.ready = false;
      if (state.inFlight >= state.limit) continue; // its limit fell: it rejoins when a call finishes
      const call = state.queue.shift();
      if (call === undefined) continue;
      this.#size--;
      if (state.queue.size > 0) {
        state.ready = true;
        this.#ring.push(state);
      } else if (state.inFlight === 0 && call.done()) {
        // Cancelled or aborted while queued: the executor skips it, and the key has nothing left.
        this.#goIdle(state, performance.now());
      }
      return call;
    }
  }

  /** Every waiting call, each key's in order (shutdown with cancelFutures, a broken initializer). */
  drain(): T[] {
    const out: T[] = [];
    const now = performance.now();
    for (const state of [...this.#keys.values()]) {
      if (state.queue.size === 0) continue;
      for (let call = state.queue.shift(); call !== undefined; call = state.queue.shift()) out.push(call);
      state.ready = false;
      if (state.inFlight === 0) this.#goIdle(state, now);
    }
    this.#ring.drain();
    this.#size = 0;
    return out;
  }

  /**
   * A call of this key starts, with `poolInFlight` calls in flight in the pool (itself
   * included). Returns what its sample will report as in flight at its start: the key's
   * count when each key adapts, else the pool's (for a pool-wide `"auto"` limit).
   */
  start(call: T, now: number, poolInFlight: number): number {
    const state = call.key as KeyState<T>;
    if (state.inFlight++ === 0) {
      this.#busy.add(state);
      state.lastProgress = now;
    }
    return state.auto === undefined ? poolInFlight : state.inFlight;
  }

  /**
   * A call of this key has settled after `rtt` ms. `dropped`: it failed (congestion, for an
   * adaptive key); `lost`: it counts as failed (it failed, or was aborted while it ran);
   * `inFlightAtStart`: what {@link start} returned for it.
   */
  finish(call: T, now: number, rtt: number, dropped: boolean, lost: boolean, inFlightAtStart: number): void {
    const state = call.key as KeyState<T>;
    state.inFlight--;
    state.runTime.record(rtt);
    if (lost) state.failed++;
    else state.completed++;
    if (state.auto !== undefined) {
      state.auto.onSample(now, rtt, inFlightAtStart, dropped);
      state.limit = state.auto.limit;
      state.lastProgress = now;
    }
    if (state.inFlight === 0) this.#busy.delete(state);
    if (state.queue.size > 0) {
      if (!state.ready && state.inFlight < state.limit) {
        state.ready = true;
        this.#ring.push(state);
      }
    } else if (state.inFlight === 0) {
      this.#goIdle(state, now);
    }
  }

  /**
   * The executor's watchdog, for adaptive keys: tells each key with calls in flight how
   * long it has heard nothing (a stalled downstream sends no samples; see
   * ConcurrencyLimit.onStall). One stalled key backs off; the others are untouched.
   */
  watch(now: number): void {
    for (const state of this.#busy) {
      state.auto!.onStall(now, now - state.lastProgress);
      state.limit = state.auto!.limit;
    }
  }

  /** Per-key figures; forgets the keys idle for too long first. */
  stats(): Record<string, KeyStats> {
    this.#forget(performance.now());
    const entries: Array<[string, KeyStats]> = [];
    for (const state of this.#keys.values()) {
      entries.push([
        state.name,
        {
          limit: state.limit,
          inFlight: state.inFlight,
          queued: state.queue.size,
          completed: state.completed,
          failed: state.failed,
          runTime: state.runTime.percentiles(),
        },
      ]);
    }
    // fromEntries defines own properties: a key named "__proto__" stays a key.
    return Object.fromEntries(entries);
  }

  #goIdle(state: KeyState<T>, now: number): void {
    state.idle = true;
    state.idleSince = now;
    this.#idle.set(state.name, state);
    this.#forget(now);
  }

  #forget(now: number): void {
    const { maxIdle, idleTimeout } = this.#options;
    for (const state of this.#idle.values()) {
      if (this.#idle.size <= maxIdle && now - state.idleSince < idleTimeout) break;
      this.#idle.delete(state.name);
      this.#keys.delete(state.name);
    }
  }
}
