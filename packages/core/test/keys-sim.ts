// A deterministic discrete-event simulation of one client in front of two downstreams, for
// the per-key tests: the benchmark's `per-key` suite without its machine. Time is a number
// that jumps from event to event; randomness comes from a seeded generator.
//
// Each downstream answers in `base` ms (± noise) up to its capacity C, and past it as the
// benchmark's degrading server does (base · e^(4(n − C)/C), at most `stall`). The client keeps
// `backlog` calls outstanding to each (a closed loop: each answer sends the next call to
// the same downstream), through one of:
//   "perKey":   the real KeyedQueue (perKey "auto", keyed by downstream) inside maxWorkers;
//   "shared":   one adaptive limit and one FIFO for both (maxWorkers "auto");
//   "fixed":    one fixed limit and one FIFO (maxWorkers n);
//   "separate": a pool per downstream, each with its own adaptive limit.
// Like AsyncPoolExecutor, an adaptive pool runs a 50 ms watchdog while calls are in flight.
import { KeyedQueue } from "../dist/keys/index.js";
import { createLimit, type ConcurrencyLimit } from "../dist/sizing/index.js";
import { EventHeap, mulberry32 } from "./sim-events.js";

export interface Downstream {
  capacity: number | ((now: number) => number);
  base: number;
}

/** "separate" with `fixedB`: B through its own pool at that fixed limit (A through its own "auto"). */
export type Mode = { kind: "perKey"; maxWorkers: number } | { kind: "shared" } | { kind: "fixed"; limit: number } | { kind: "separate"; fixedB?: number };

export interface TwoOptions {
  a: Downstream;
  b: Downstream;
  mode: Mode;
  duration: number;
  /** Calls outstanding to each downstream. @default 64 */
  backlog?: number;
  /** Relative latency noise. @default 0.1 */
  noise?: number;
  stall?: number;
  seed?: number;
  /**
   * A busy client: about every `every` ms (at random) its thread is taken for up to
   * `length` ms, and answers that arrive meanwhile are heard only after it (as on a loaded
   * machine). Off by default.
   */
  hiccups?: { every: number; length: number };
  /**
   * ms each call spends on the way to the downstream and again on the way back (a real
   * client's send and receive, its HTTP parsing). The downstream counts only the calls it
   * holds, so with a client limit of C + 1 it often holds just C. @default 0
   */
  transit?: number;
}

export interface TwoResult {
  /** Answers per second from downstream 0 (A) or 1 (B) that arrived in [from, to). */
  throughput(d: 0 | 1, from: number, to: number): number;
  /** Each adaptive limit every 250 ms: [t, A's limit, B's limit] (one shared limit: both). */
  trace: Array<[number, number, number]>;
}

/** A call: which downstream, and (for the keyed queue) its key state and done(). */
class Call {
  key: unknown = undefined;
  start = 0;
  inFlightAtStart = 0;
  constructor(readonly d: 0 | 1) {}
  done(): boolean {
    return false;
  }
}

/**
 * kind 0: the client hears an answer; 1: the watchdog; 2: a hiccup; 3: the trace; 4: the
 * downstream answers (and lets the call go); 5: a call reaches the downstream.
 */
type SimEvent = { t: number; seq: number; kind: 0 | 1 | 2 | 3 | 4 | 5; call: Call | undefined; due?: number };

/** A pool as the simulation drives it: queue a call, take the next to start, hear one finish. */
interface SimPool {
  push(call: Call): void;
  next(): Call | undefined;
  started(call: Call, now: number): void;
  finished(call: Call, now: number): void;
  watch(now: number): void;
  /** The limits A's and B's calls are under now. */
  limits(): [number, number];
  readonly adaptive: boolean;
}

function fifoPool(limits: Array<ConcurrencyLimit | number>, route: (d: 0 | 1) => number): SimPool {
  const queues = limits.map(() => [] as Call[]);
  const inFlight = limits.map(() => 0);
  const progress = limits.map(() => 0);
  const limitOf = (i: number) => {
    const l = limits[i]!;
    return typeof l === "number" ? l : l.limit;
  };
  return {
    adaptive: limits.some((l) => typeof l !== "number"),
    push: (call) => void queues[route(call.d)]!.push(call),
    next() {
      for (let i = 0; i < queues.length; i++) if (inFlight[i]! < limitOf(i) && queues[i]!.length > 0) return queues[i]!.shift();
      return undefined;
    },
    started(call, now) {
      const i = route(call.d);
      const n = inFlight[i]! + 1;
      inFlight[i] = n;
      if (n === 1) progress[i] = now;
      call.inFlightAtStart = n;
    },
    finished(call, now) {
      const i = route(call.d);
      inFlight[i]!--;
      progress[i] = now;
      const l = limits[i]!;
      if (typeof l !== "number") l.onSample(now, now - call.start, call.inFlightAtStart, false);
    },
    limits: () => [limitOf(route(0)), limitOf(route(1))],
    watch(now) {
      limits.forEach((l, i) => {
        if (typeof l !== "number" && inFlight[i]! > 0) l.onStall(now, now - progress[i]!);
      });
    },
  };
}

function keyedPool(maxWorkers: number): SimPool {
  const q = new KeyedQueue<Call>({ perKey: "auto", keyOf: undefined, idleTimeout: 60_000, maxIdle: 1000 }, undefined);
  let inFlight = 0;
  return {
    adaptive: true,
    push: (call) => q.push(call, call.d === 0 ? "A" : "B"),
    next: () => (inFlight < maxWorkers ? q.shift() : undefined),
    started(call, now) {
      call.inFlightAtStart = q.start(call, now, ++inFlight);
    },
    finished(call, now) {
      inFlight--;
      q.finish(call, now, now - call.start, false, false, call.inFlightAtStart);
    },
    watch: (now) => q.watch(now),
    limits() {
      const keys = q.stats();
      return [keys["A"]?.limit ?? 0, keys["B"]?.limit ?? 0];
    },
  };
}

export function simulateTwo(o: TwoOptions): TwoResult {
  const random = mulberry32(o.seed ?? 1);
  const noise = o.noise ?? 0.1;
  const stall = o.stall ?? 2000;
  const backlog = o.backlog ?? 64;
  const downstreams = [o.a, o.b];
  const capacity = (d: 0 | 1, now: number) => {
    const c = downstreams[d]!.capacity;
    return typeof c === "number" ? c : c(now);
  };
  const pool: SimPool =
    o.mode.kind === "perKey"
      ? keyedPool(o.mode.maxWorkers)
      : o.mode.kind === "shared"
        ? fifoPool([createLimit()], () => 0)
        : o.mode.kind === "fixed"
          ? fifoPool([o.mode.limit], () => 0)
          : fifoPool([createLimit(), o.mode.fixedB ?? createLimit()], (d) => d);
  const events = new EventHeap<SimEvent>();
  const serverInFlight = [0, 0];
  const answers: [number[], number[]] = [[], []];
  let seq = 0;
  let now = 0;
  let clientInFlight = 0;
  let watching = false;
  let pausedUntil = 0;
  const trace: Array<[number, number, number]> = [];
  // kind 2: the client's thread is taken (hiccups); kind 3: the trace.
  const hiccups = o.hiccups;
  if (hiccups !== undefined) events.push({ t: -Math.log(1 - random()) * hiccups.every, seq: seq++, kind: 2, call: undefined });
  events.push({ t: 0, seq: seq++, kind: 3, call: undefined });

  const transit = o.transit ?? 0;
  // The downstream takes the call: its latency depends on the calls it holds then.
  const arrive = (call: Call, t: number) => {
    const d = call.d;
    const n = ++serverInFlight[d]!;
    const c = capacity(d, t);
    const slow = n <= c ? 1 : Math.exp((4 * (n - c)) / c);
    const latency = Math.min(stall, downstreams[d]!.base * slow) * (1 - noise + 2 * noise * random());
    // Its answer frees the downstream's slot first, then reaches the client.
    events.push({ t: t + latency, seq: seq++, kind: 4, call });
    events.push({ t: t + latency + transit, seq: seq++, kind: 0, call });
  };
  const pump = () => {
    for (let call = pool.next(); call !== undefined; call = pool.next()) {
      call.start = now;
      pool.started(call, now);
      clientInFlight++;
      if (transit > 0) events.push({ t: now + transit, seq: seq++, kind: 5, call });
      else arrive(call, now);
    }
    if (pool.adaptive && !watching && clientInFlight > 0) {
      watching = true;
      events.push({ t: now + 50, seq: seq++, kind: 1, call: undefined, due: now + 50 });
    }
  };

  for (let k = 0; k < backlog; k++) for (const d of [0, 1] as const) pool.push(new Call(d));
  pump();
  while (events.size > 0) {
    const e = events.pop();
    if (e.t >= o.duration) break;
    if (e.kind === 3) {
      trace.push([e.t, ...pool.limits()]);
      events.push({ t: e.t + 250, seq: seq++, kind: 3, call: undefined });
      continue;
    }
    if (e.kind === 4) {
      serverInFlight[e.call!.d]!--;
      continue;
    }
    if (e.kind === 5) {
      arrive(e.call!, e.t);
      continue;
    }
    if (e.kind === 2) {
      pausedUntil = Math.max(pausedUntil, e.t + hiccups!.length * random());
      events.push({ t: e.t - Math.log(1 - random()) * hiccups!.every, seq: seq++, kind: 2, call: undefined });
      continue;
    }
    if (e.t < pausedUntil) {
      // The client's thread is busy: heard when it is free again.
      events.push({ ...e, t: pausedUntil, seq: seq++ });
      continue;
    }
    now = e.t;
    if (e.kind === 1) {
      watching = false;
      // As AsyncPoolExecutor's watchdog: fired late, the thread was busy; it only re-arms.
      if (clientInFlight > 0 && now - e.due! < 25) pool.watch(now);
      pump();
      continue;
    }
    const call = e.call!;
    clientInFlight--;
    answers[call.d].push(now);
    pool.finished(call, now);
    pool.push(new Call(call.d));
    pump();
  }
  return {
    trace,
    throughput(d, from, to) {
      let n = 0;
      for (const t of answers[d]) if (t >= from && t < to) n++;
      return (n * 1000) / (to - from);
    },
  };
}
