// A deterministic discrete-event simulation of a client pool in front of a downstream
// with a capacity, for the sizing tests. No timers: time is a number that jumps from
// event to event, and randomness comes from a seeded generator, so every run is the same.
//
// The downstream: up to C calls in flight it answers in its base latency L (± noise);
// past C latency grows steeply (quadratic in the excess), and far past it the downstream
// stalls (latency capped at `stall`). The client times a call out after `timeout` and
// reports it dropped, but the downstream keeps working on it until it would have
// answered — as a real overloaded server does — so backing off takes a while to pay off.
// Like AsyncPoolExecutor, the pool runs a watchdog while calls are in flight: every
// `watchdog` ms it tells the limiter how long it has heard nothing (onStall).

import { EventHeap, mulberry32 } from "./sim-events.js";

/** What the simulated pool drives: a ConcurrencyLimit, or a fixed number. */
export interface Limiter {
  readonly limit: number;
  onSample(now: number, rtt: number, inFlight: number, dropped: boolean): void;
  onStall?(now: number, age: number): void;
}

export interface SimOptions {
  /** Downstream capacity C, fixed or as a function of time in ms. */
  capacity: number | ((now: number) => number);
  /** Base latency L in ms, fixed or as a function of time. @default 20 */
  latency?: number | ((now: number) => number);
  /** Simulated run length in ms. */
  duration: number;
  /** Client timeout in ms; a slower call is reported dropped at this time. @default 25 L */
  timeout?: number;
  /** Longest the downstream takes to answer (its stall). @default 50 L */
  stall?: number;
  /** Share of calls that fail fast (in 0.1 L), fixed or as a function of time. @default 0 */
  errorRate?: number | ((now: number) => number);
  /** Relative latency noise: each call takes × uniform(1 − noise, 1 + noise). @default 0.2 */
  noise?: number;
  /** The most calls the client has to run at once (its own demand). @default Infinity */
  demand?: number;
  seed?: number;
  /** Latency multiplier for n calls in a downstream of capacity c. @default queueing */
  slowdown?: (n: number, c: number) => number;
  /** The pool's watchdog period in ms (as AsyncPoolExecutor's); 0: none. @default 50 */
  watchdog?: number;
}

export interface SimResult {
  /** Time-weighted mean of the limit over [from, to). */
  meanLimit(from: number, to: number): number;
  /** Successful calls per second that finished in [from, to). */
  throughput(from: number, to: number): number;
  /** Lowest and highest limit seen at any point. */
  lowest: number;
  highest: number;
  completed: number;
  failed: number;
  /** (time, limit) at every change of the limit, starting at 0. */
  changes: Array<{ t: number; limit: number }>;
}

/**
 * The slow-down of a call that starts with n calls in a downstream of capacity c: past c
 * the excess waits in a queue (latency ∝ n / c, throughput flat) and the downstream also
 * thrashes (× 1 + excess²), so throughput falls: to 1/2 at 2c, 1/5 at 3c, then the stall.
 */
export function queueing(n: number, c: number): number {
  const excess = Math.max(0, n - c) / c;
  return Math.max(1, n / c) * (1 + excess * excess);
}

/**
 * The benchmark's degrading server (benchmarks/src/servers/degrading.ts): latency grows
 * exponentially past c (× e^(4·(n − c)/c): one call past 16 is 28 % slower, 2c is 55×),
 * so well past c every call takes the stall.
 */
export function degrading(n: number, c: number): number {
  return Math.exp((4 * Math.max(0, n - c)) / c);
}

/** A harsher downstream: no queue, it thrashes at once (one call past c is ~30 % slower at c = 16). */
export function thrashing(n: number, c: number): number {
  const excess = Math.max(0, n - c) / c;
  return 1 + 4 * excess + 16 * excess * excess;
}

/** kind 0: the client hears the call finish (or time out); kind 1: the downstream lets it go; kind 2: the watchdog. */
interface SimEvent {
  t: number;
  seq: number;
  kind: 0 | 1 | 2;
  start: number;
  inFlight: number;
  dropped: boolean;
}

export function simulate(limiter: Limiter, o: SimOptions): SimResult {
  const latency = o.latency === undefined ? () => 20 : typeof o.latency === "number" ? () => o.latency as number : o.latency;
  const L = latency(0);
  const timeout = o.timeout ?? 25 * L;
  const stall = o.stall ?? 50 * L;
  const noise = o.noise ?? 0.2;
  const demand = o.demand ?? Number.POSITIVE_INFINITY;
  const capacity = typeof o.capacity === "number" ? () => o.capacity as number : o.capacity;
  const errorRate = o.errorRate === undefined ? () => 0 : typeof o.errorRate === "number" ? () => o.errorRate as number : o.errorRate;
  const random = mulberry32(o.seed ?? 1);
  const slowdown = o.slowdown ?? queueing;
  const events = new EventHeap<SimEvent>();
  const changes: Array<{ t: number; limit: number }> = [{ t: 0, limit: limiter.limit }];
  const okTimes: number[] = [];
  let seq = 0;
  let now = 0;
  let clientInFlight = 0;
  let serverInFlight = 0;
  let completed = 0;
  let failed = 0;
  let lowest = limiter.limit;
  let highest = limiter.limit;
  const watchdog = limiter.onStall === undefined ? 0 : (o.watchdog ?? 50);
  let watching = false;
  let lastProgress = 0;
  const record = (before: number) => {
    const after = limiter.limit;
    if (after !== before) {
      changes.push({ t: now, limit: after });
      if (after < lowest) lowest = after;
      if (after > highest) highest = after;
    }
  };

  const fill = () => {
    while (clientInFlight < Math.min(limiter.limit, demand)) {
      if (watchdog > 0 && !watching) {
        watching = true;
        lastProgress = now;
        events.push({ t: now + watchdog, seq: seq++, kind: 2, start: now, inFlight: 0, dropped: false });
      }
      clientInFlight++;
      serverInFlight++;
      const jitter = 1 - noise + 2 * noise * random();
      if (random() < errorRate(now)) {
        const t = now + 0.1 * L * jitter;
        events.push({ t, seq: seq++, kind: 1, start: now, inFlight: 0, dropped: true });
        events.push({ t, seq: seq++, kind: 0, start: now, inFlight: clientInFlight, dropped: true });
        continue;
      }
      const service = Math.min(stall, latency(now) * slowdown(serverInFlight, capacity(now)) * jitter);
      const dropped = service > timeout;
      // The downstream's release is queued first: at equal times it frees the slot before
      // the client hears the answer and refills it.
      events.push({ t: now + service, seq: seq++, kind: 1, start: now, inFlight: 0, dropped });
      events.push({ t: now + Math.min(service, timeout), seq: seq++, kind: 0, start: now, inFlight: clientInFlight, dropped });
    }
  };

  fill();
  while (events.size > 0) {
    const e = events.pop();
    if (e.t >= o.duration) break;
    now = e.t;
    if (e.kind === 1) {
      serverInFlight--;
      continue;
    }
    if (e.kind === 2) {
      watching = clientInFlight > 0;
      if (!watching) continue;
      const before = limiter.limit;
      limiter.onStall!(now, now - lastProgress);
      record(before);
      events.push({ t: now + watchdog, seq: seq++, kind: 2, start: now, inFlight: 0, dropped: false });
      continue;
    }
    lastProgress = now;
    clientInFlight--;
    if (e.dropped) failed++;
    else {
      completed++;
      okTimes.push(now);
    }
    const before = limiter.limit;
    limiter.onSample(now, now - e.start, e.inFlight, e.dropped);
    record(before);
    fill();
  }

  return {
    lowest,
    highest,
    completed,
    failed,
    changes,
    meanLimit(from, to) {
      let area = 0;
      for (let i = 0; i < changes.length; i++) {
        const c = changes[i]!;
        const end = Math.min(to, changes[i + 1]?.t ?? to);
        const begin = Math.max(from, c.t);
        if (end > begin) area += c.limit * (end - begin);
      }
      return area / (to - from);
    },
    throughput(from, to) {
      let n = 0;
      for (const t of okTimes) if (t >= from && t < to) n++;
      return (n * 1000) / (to - from);
    },
  };
}

/** A limit that never moves: the fixed `maxWorkers` of today. */
export function fixed(limit: number): Limiter {
  return { limit, onSample() {} };
}
