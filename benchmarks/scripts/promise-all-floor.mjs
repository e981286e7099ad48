#!/usr/bin/env node
// What `Promise.all` costs per element over five kinds of awaitable, per runtime: a plain
// promise; a promise subclass shaped like our Future (five private fields, `constructor` set
// to Promise so `await` and `Promise.all` take it as it is: our futures on Node and Deno); the
// same with `then` handed to a new plain promise that follows it (what futures did on Bun
// until 2026-12-02); and a plain object with a `then` that makes one promise on first use
// (our futures on Bun since then: core future.ts, usePlainFutures); a plain promise that
// carries a future's state and eleven methods as own properties (a design that keeps the
// engines' plain-promise path for `Promise.all`). Each element is made, put in one
// `Promise.all` of 20,000, and settled; ns per element, median of 30 batches after 30 untimed.
// One kind per process (a kind timed after another pays for the other's heap): give its
// number, 0–4.
//
//   for k in 0 1 2 3 4; do node benchmarks/scripts/promise-all-floor.mjs $k; done
//   for k in 0 1 2 3 4; do node_modules/.bin/bun benchmarks/scripts/promise-all-floor.mjs $k; done
//   for k in 0 1 2 3 4; do node_modules/.bin/deno run -A benchmarks/scripts/promise-all-floor.mjs $k; done
//
// Engines register a reaction on a plain promise directly; on any other promise they call its
// `then`, which makes a derived promise per element. That difference is most of what an
// AsyncPoolExecutor call costs over p-limit's plain promises on Bun and Deno.
let resolveOf;
const capture = (resolve) => {
  resolveOf = resolve;
};

class Sub extends Promise {
  #state = "pending";
  #failed = false;
  #outcome = undefined;
  #callbacks = undefined;
  #resolve;
  constructor() {
    super(capture);
    this.#resolve = resolveOf;
    resolveOf = undefined;
  }
  settle(v) {
    this.#outcome = v;
    this.#state = "finished";
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve(v);
  }
}
Object.defineProperty(Sub.prototype, "constructor", { value: Promise, writable: true, configurable: true });

class Follower extends Sub {
  follow = undefined;
  settle(v) {
    super.settle(v);
    this.follow?.(v);
  }
}
Object.defineProperty(Follower.prototype, "constructor", { value: Promise, writable: true, configurable: true });
Object.defineProperty(Follower.prototype, "then", {
  value(onFulfilled, onRejected) {
    const follower = new Promise(capture);
    const resolve = resolveOf;
    this.follow = (v) => resolve(v);
    return Promise.prototype.then.call(follower, onFulfilled, onRejected);
  },
});

class Lazy {
  #state = "pending";
  #outcome = undefined;
  #resolve = undefined;
  #promise = undefined;
  settle(v) {
    this.#outcome = v;
    this.#state = "finished";
    const resolve = this.#resolve;
    if (resolve) {
      this.#resolve = undefined;
      resolve(v);
    }
  }
  then(onFulfilled, onRejected) {
    let p = this.#promise;
    if (p === undefined) {
      if (this.#state === "finished") p = Promise.resolve(this.#outcome);
      else {
        p = new Promise(capture);
        this.#resolve = resolveOf;
      }
      this.#promise = p;
    }
    return p.then(onFulfilled, onRejected);
  }
}

// The methods a future would carry as own properties of a plain promise (kind 4).
const METHODS = ["cancel", "cancelled", "running", "done", "result", "exception", "addDoneCallback", "setRunningOrNotifyCancel", "setResult", "setException", "toString"];
function method() {
  return this.future.state;
}

const N = 20_000;
const kinds = {
  "plain promise": () => {
    const p = new Promise(capture);
    return [p, resolveOf];
  },
  "promise subclass": () => {
    const s = new Sub();
    return [s, (v) => s.settle(v)];
  },
  "subclass, then via a follower": () => {
    const s = new Follower();
    return [s, (v) => s.settle(v)];
  },
  "object, promise on first then": () => {
    const s = new Lazy();
    return [s, (v) => s.settle(v)];
  },
  "plain promise, methods as own properties": () => {
    const p = new Promise(capture);
    const future = { state: "pending", resolve: resolveOf, outcome: undefined };
    p.future = future;
    for (const name of METHODS) p[name] = method;
    return [
      p,
      (v) => {
        future.state = "finished";
        future.outcome = v;
        future.resolve(v);
      },
    ];
  },
};

async function batch(make) {
  const pending = new Array(N);
  const settle = new Array(N);
  for (let i = 0; i < N; i++) [pending[i], settle[i]] = make();
  const all = Promise.all(pending);
  for (let i = 0; i < N; i++) settle[i](i);
  return (await all).length;
}

const which = Number(globalThis.process?.argv?.[2] ?? globalThis.Deno?.args?.[0]);
const chosen = Number.isInteger(which) ? [Object.entries(kinds)[which]] : Object.entries(kinds);
for (const [name, make] of chosen) {
  for (let i = 0; i < 30; i++) await batch(make);
  const times = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    if ((await batch(make)) !== N) throw new Error("lost an element");
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(30)} ${((times[15] * 1e6) / N).toFixed(0).padStart(5)} ns per element`);
}
