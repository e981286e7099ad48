// AsyncPoolExecutor({ perKey }): SPEC "Per-key limits (many downstreams)". Every limit is
// checked by counters the calls keep themselves, fairness by the order calls start in,
// forgetting by how many keys stats() still holds: nothing here measures time.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AsyncPoolExecutor, ShutdownError, type Future } from "@concurrent/futures";
import { sleep } from "@concurrent/testkit/helpers";

const seed = Number(process.env["FC_SEED"] ?? 42);
const runs = Number(process.env["FC_RUNS"] ?? 40);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Counts calls in flight per key and overall, and the most ever seen of each. */
function tracker() {
  const now = new Map<string, number>();
  const most = new Map<string, number>();
  let total = 0;
  let mostTotal = 0;
  return {
    enter(key: string) {
      const n = (now.get(key) ?? 0) + 1;
      now.set(key, n);
      most.set(key, Math.max(most.get(key) ?? 0, n));
      mostTotal = Math.max(mostTotal, ++total);
    },
    leave(key: string) {
      now.set(key, now.get(key)! - 1);
      total--;
    },
    most: (key: string) => most.get(key) ?? 0,
    get mostTotal() {
      return mostTotal;
    },
    keys: () => [...most.keys()],
  };
}

const isError = (type: ErrorConstructor, option: string) => (e: unknown) => e instanceof type && e.message.includes(option);

// SPEC: "every distinct key gets its own in-flight limit … inside the executor's overall maxWorkers".
test("per-key: a fixed perKey is never exceeded for any key, nor maxWorkers overall (property, random keys and durations)", async () => {
  type Call = { key: number; ms: number; how: "sync" | "micro" | "timer" | "throw"; via: "submitWith" | "keyOf" | "map" };
  const callArb: fc.Arbitrary<Call> = fc.record({
    key: fc.nat(5),
    ms: fc.nat(3),
    how: fc.constantFrom("sync", "micro", "timer", "timer", "throw"),
    via: fc.constantFrom("submitWith", "keyOf", "map"),
  });
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.array(callArb, { minLength: 1, maxLength: 60 }), async (maxWorkers, perKey, calls) => {
      const t = tracker();
      const run = async (key: string, c: Call): Promise<string> => {
        t.enter(key);
        try {
          if (c.how === "micro") await Promise.resolve();
          if (c.how === "timer") await sleep(c.ms);
          if (c.how === "throw") throw new Error(key);
          return key;
        } finally {
          t.leave(key);
        }
      };
      const ex = new AsyncPoolExecutor({ maxWorkers, perKey, keyOf: (key: string) => key });
      const futures: Array<Future<string>> = [];
      const maps: Array<Promise<unknown>> = [];
      for (const c of calls) {
        const key = `k${c.key}`;
        if (c.via === "submitWith") futures.push(ex.submitWith({ key }, run, key, c));
        else if (c.via === "keyOf") futures.push(ex.submit(run, key, c));
        else {
          const it = ex.map((x: number) => run(key, { ...c, ms: x }), [c.ms, c.ms], { key });
          maps.push((async () => {
            for await (const _ of it);
          })().catch(() => undefined));
        }
      }
      await Promise.allSettled([...futures.map((f) => f.result()), ...maps]);
      await ex.shutdown();
      for (const key of t.keys()) assert.ok(t.most(key) <= perKey, `${key}: ${t.most(key)} in flight, perKey ${perKey}`);
      assert.ok(t.mostTotal <= maxWorkers, `${t.mostTotal} in flight, maxWorkers ${maxWorkers}`);
      const s = ex.stats();
      assert.equal(s.inFlight + s.queued, 0);
    }),
    { seed, numRuns: runs },
  );
});

test("per-key: a key with a backlog runs exactly perKey at once, and another key uses the rest of maxWorkers", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 8, perKey: 3 });
  const t = tracker();
  const gate = deferred();
  const hold = async (key: string) => {
    t.enter(key);
    await gate.promise;
    t.leave(key);
  };
  const fs = [];
  for (let i = 0; i < 10; i++) fs.push(ex.submitWith({ key: "a" }, hold, "a"));
  for (let i = 0; i < 10; i++) fs.push(ex.submitWith({ key: "b" }, hold, "b"));
  for (let i = 0; i < 10; i++) fs.push(ex.submitWith({ key: "c" }, hold, "c"));
  await sleep(0);
  const s = ex.stats();
  assert.deepEqual([s.keys!["a"]!.inFlight, s.keys!["b"]!.inFlight, s.keys!["c"]!.inFlight].sort(), [2, 3, 3]);
  assert.equal(s.inFlight, 8);
  assert.equal(s.queued, 22);
  gate.resolve();
  await Promise.all(fs);
  await ex.shutdown();
  assert.equal(t.most("a"), 3);
  assert.equal(t.most("b"), 3);
});

// SPEC: "One slow or overloaded downstream then cannot take the slots of a healthy one".
test("per-key: calls of a key that never answers hold only that key's slots; other keys keep running", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 4, perKey: 2 });
  const never = deferred();
  const stuck = Array.from({ length: 50 }, () => ex.submitWith({ key: "stuck" }, () => never.promise));
  const healthy = Array.from({ length: 20 }, (_, i) => ex.submitWith({ key: "healthy" }, async () => i));
  assert.deepEqual(await Promise.all(healthy), Array.from({ length: 20 }, (_, i) => i));
  const s = ex.stats().keys!;
  assert.equal(s["stuck"]!.inFlight, 2);
  assert.equal(s["stuck"]!.queued, 48);
  assert.equal(s["healthy"]!.completed, 20);
  never.resolve();
  await Promise.all(stuck);
  await ex.shutdown();
});

// SPEC: "Calls without a key share one default key."
test("per-key: calls without a key share one default key, \"\", with its own limit", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 10, perKey: 2 });
  const t = tracker();
  const gate = deferred();
  const hold = async (key: string) => {
    t.enter(key);
    await gate.promise;
    t.leave(key);
  };
  const fs = [ex.submit(hold, "none"), ex.submit(hold, "none"), ex.submitWith({}, hold, "none"), ex.submitWith({ key: "x" }, hold, "x")];
  const it = ex.map(hold, ["none", "none"]);
  await sleep(0);
  const keys = ex.stats().keys!;
  assert.deepEqual(Object.keys(keys).sort(), ["", "x"]);
  assert.equal(keys[""]!.inFlight, 2);
  assert.equal(keys[""]!.queued, 3);
  assert.equal(keys["x"]!.inFlight, 1);
  gate.resolve();
  await Promise.all(fs);
  for await (const _ of it);
  await ex.shutdown();
  assert.equal(t.most("none"), 2);
});

// SPEC: "When the overall limit is what holds calls back, keys take turns (no key waits behind another key's backlog)."
test("per-key: fairness: a key with one call behind another key's backlog of 1,000 starts in the first round of turns", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1, perKey: 1000 });
  const started: string[] = [];
  const work = async (key: string) => {
    started.push(key);
    await Promise.resolve();
  };
  const fs = [];
  for (let i = 0; i < 1000; i++) fs.push(ex.submitWith({ key: "backlog" }, work, "backlog"));
  fs.push(ex.submitWith({ key: "one" }, work, "one"));
  await Promise.all(fs);
  await ex.shutdown();
  // Two keys wait: the round is backlog, one.
  assert.ok(started.indexOf("one") <= 1, `"one" started ${started.indexOf("one")}th`);
  assert.equal(started.length, 1001);
});

test("per-key: fairness: a key arriving while other keys' backlogs run starts within one turn of each waiting key", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 2, perKey: 100 });
  const started: string[] = [];
  const fs: Array<Future<void>> = [];
  let arrived = -1;
  const work = async (key: string) => {
    started.push(key);
    if (started.length === 100) {
      // Two newcomers arrive in the middle of three backlogs of 1,000.
      arrived = started.length;
      fs.push(ex.submitWith({ key: "late" }, work, "late"));
      fs.push(ex.submit(work, "default"));
    }
    await Promise.resolve();
  };
  for (const key of ["a", "b", "c"]) for (let i = 0; i < 1000; i++) fs.push(ex.submitWith({ key }, work, key));
  while (fs.length < 3002) await Promise.all(fs);
  await Promise.all(fs);
  await ex.shutdown();
  const after = started.slice(arrived);
  // Five keys wait: each newcomer starts within the first five starts after it arrived.
  assert.ok(after.indexOf("late") < 5, `"late" started ${after.indexOf("late")} calls after it arrived`);
  assert.ok(after.indexOf("default") < 5, `the default key started ${after.indexOf("default")} calls after it arrived`);
  assert.equal(started.length, 3002);
});

test("per-key: keyOf derives the key from the call's arguments (map over URLs keyed by host)", async () => {
  const t = tracker();
  const gate = deferred();
  const fetchLike = async (url: string) => {
    const host = new URL(url).host;
    t.enter(host);
    await gate.promise;
    t.leave(host);
    return host;
  };
  const ex = new AsyncPoolExecutor({ maxWorkers: 16, perKey: 2, keyOf: (url: string) => new URL(url).host });
  const urls = ["a.test", "b.test", "c.test"].flatMap((h) => Array.from({ length: 5 }, (_, i) => `https://${h}/${i}`));
  const it = ex.map(fetchLike, urls);
  await sleep(0);
  const keys = ex.stats().keys!;
  assert.deepEqual(Object.keys(keys).sort(), ["a.test", "b.test", "c.test"]);
  for (const k of Object.values(keys)) assert.deepEqual([k.inFlight, k.queued], [2, 3]);
  gate.resolve();
  const hosts: string[] = [];
  for await (const h of it) hosts.push(h);
  assert.equal(hosts.length, 15);
  // An explicit key wins over keyOf.
  assert.equal(await ex.submitWith({ key: "explicit" }, fetchLike, "https://a.test/x"), "a.test");
  assert.equal(ex.stats().keys!["explicit"]!.completed, 1);
  await ex.shutdown();
});

// SPEC: "stats().keys — per key: { limit, inFlight, queued, completed, failed } and latency percentiles."
test("per-key: stats().keys gives each key's limit, inFlight, queued, completed, failed and run-time percentiles", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 4, perKey: 1 });
  const gate = deferred();
  const held = [ex.submitWith({ key: "slow" }, () => gate.promise), ex.submitWith({ key: "slow" }, () => gate.promise)];
  await ex.submitWith({ key: "ok" }, () => 1);
  await ex.submitWith({ key: "ok" }, async () => 2);
  await ex.submitWith({ key: "bad" }, () => {
    throw new Error("x");
  }).exception();
  const controller = new AbortController();
  const aborted = ex.submitWith({ key: "bad", signal: controller.signal }, () => new Promise<void>((r) => setTimeout(r, 5)));
  await sleep(0);
  controller.abort(new Error("stop"));
  await aborted.exception();
  await sleep(10);
  const s = ex.stats();
  const keys = s.keys!;
  assert.deepEqual({ ...keys["slow"]!, runTime: undefined }, { limit: 1, inFlight: 1, queued: 1, completed: 0, failed: 0, runTime: undefined });
  assert.deepEqual({ ...keys["ok"]!, runTime: undefined }, { limit: 1, inFlight: 0, queued: 0, completed: 2, failed: 0, runTime: undefined });
  assert.deepEqual({ ...keys["bad"]!, runTime: undefined }, { limit: 1, inFlight: 0, queued: 0, completed: 0, failed: 2, runTime: undefined });
  assert.equal(keys["ok"]!.runTime.samples, 2);
  assert.ok(keys["ok"]!.runTime.p50 >= 0 && keys["ok"]!.runTime.p99 >= keys["ok"]!.runTime.p50);
  assert.equal(keys["slow"]!.runTime.samples, 0);
  // The keys add up to the pool's own counters.
  const sum = (f: "inFlight" | "queued" | "completed" | "failed") => Object.values(keys).reduce((n, k) => n + k[f], 0);
  assert.deepEqual([sum("inFlight"), sum("queued"), sum("completed"), sum("failed")], [s.inFlight, s.queued, s.completed, s.failed]);
  gate.resolve();
  await Promise.all(held);
  await ex.shutdown();
  // A pool without perKey has no keys in its stats.
  assert.equal(new AsyncPoolExecutor().stats().keys, undefined);
});

test("per-key: a key named __proto__ is a key like any other", async () => {
  const ex = new AsyncPoolExecutor({ perKey: 1 });
  await ex.submitWith({ key: "__proto__" }, () => 1);
  const keys = ex.stats().keys!;
  assert.ok(Object.prototype.hasOwnProperty.call(keys, "__proto__"));
  assert.equal(Object.getPrototypeOf(keys), Object.prototype);
  await ex.shutdown();
});

// SPEC: "Keys without calls for a while are forgotten".
test("per-key: a key without calls for keyIdleTimeout is forgotten; a key with calls is not", async () => {
  const ex = new AsyncPoolExecutor({ perKey: "auto", keyIdleTimeout: 20 });
  const gate = deferred();
  const held = ex.submitWith({ key: "busy" }, () => gate.promise);
  await ex.submitWith({ key: "done" }, () => 1);
  assert.deepEqual(Object.keys(ex.stats().keys!).sort(), ["busy", "done"]);
  await sleep(60);
  assert.deepEqual(Object.keys(ex.stats().keys!), ["busy"]);
  gate.resolve();
  await held;
  // It comes back as a new key, counters from zero.
  await ex.submitWith({ key: "done" }, () => 1);
  assert.equal(ex.stats().keys!["done"]!.completed, 1);
  await ex.shutdown();
});

// SPEC: "(memory stays bounded with many keys)".
test("per-key: 100,000 distinct keys leave at most maxIdleKeys behind", async () => {
  // "auto": the heavier kind of key (each has its own adaptive limit).
  {
    const ex = new AsyncPoolExecutor({ maxWorkers: 64, perKey: "auto", keyOf: (i: number) => `host-${i}` });
    let most = 0;
    for (let batch = 0; batch < 100; batch++) {
      const fs = [];
      for (let i = batch * 1000; i < (batch + 1) * 1000; i++) fs.push(ex.submit(async (n: number) => n, i));
      await Promise.all(fs);
      if (batch % 10 === 9) most = Math.max(most, Object.keys(ex.stats().keys!).length);
    }
    await ex.shutdown();
    const s = ex.stats();
    assert.equal(s.completed, 100_000);
    assert.ok(most <= 1000, `${most} keys remembered after a batch`);
    assert.ok(Object.keys(s.keys!).length <= 1000);
  }
  const small = new AsyncPoolExecutor({ perKey: 1, maxIdleKeys: 10 });
  for (let i = 0; i < 100; i++) await small.submitWith({ key: String(i) }, () => i);
  assert.deepEqual(Object.keys(small.stats().keys!), ["90", "91", "92", "93", "94", "95", "96", "97", "98", "99"], "the longest idle are forgotten first");
  await small.shutdown();
});

test("per-key: cancelled calls and shutdown({ cancelFutures }) leave no key behind for ever", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1, perKey: 1, maxIdleKeys: 0 });
  const gate = deferred();
  const first = ex.submitWith({ key: "a" }, () => gate.promise);
  const cancelled = ex.submitWith({ key: "b" }, () => 1);
  assert.equal(cancelled.cancel(), true);
  const pending = Array.from({ length: 5 }, (_, i) => ex.submitWith({ key: `c${i}` }, () => i));
  await sleep(0);
  const shut = ex.shutdown({ cancelFutures: true });
  assert.ok(pending.every((f) => f.cancelled()));
  gate.resolve();
  await first;
  await shut;
  assert.deepEqual(ex.stats().keys, {});
  assert.equal(ex.stats().cancelled, 6);
  assert.throws(() => ex.submitWith({ key: "a" }, () => 1), ShutdownError);
});

// SPEC: "adaptive with "auto"": each key's limit learns from that key's calls only.
test("per-key: with \"auto\" each key has its own adaptive limit: failures cut the failing key's limit only", async () => {
  // aimd reads failures only, not latency: the outcome does not depend on this machine's timing.
  const ex = new AsyncPoolExecutor({ maxWorkers: 64, perKey: "auto", autoLimit: { algorithm: "aimd", initial: 16 } });
  for (let round = 0; round < 4; round++) {
    const fs = [];
    for (let i = 0; i < 16; i++) {
      fs.push(ex.submitWith({ key: "failing" }, async () => {
        throw new Error("refused");
      }).exception());
      fs.push(ex.submitWith({ key: "healthy" }, async () => i));
    }
    await Promise.all(fs);
  }
  const keys = ex.stats().keys!;
  assert.equal(keys["failing"]!.failed, 64);
  assert.ok(keys["failing"]!.limit < 16, `failing key's limit ${keys["failing"]!.limit}`);
  assert.ok(keys["healthy"]!.limit >= 16, `healthy key's limit ${keys["healthy"]!.limit}`);
  await ex.shutdown();
});

test("per-key: maxWorkers and perKey both \"auto\": the keys adapt, maxWorkers is the autoLimit.max ceiling", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: "auto", perKey: "auto", autoLimit: { max: 50 } });
  assert.equal(ex.stats().limit, 50);
  assert.equal(await ex.submitWith({ key: "k" }, () => 7), 7);
  assert.equal(ex.stats().keys!["k"]!.limit, 4);
  await ex.shutdown();
  // perKey as a number under an adaptive maxWorkers: the pool adapts, each key is capped.
  const mixed = new AsyncPoolExecutor({ maxWorkers: "auto", perKey: 3 });
  assert.equal(await mixed.submitWith({ key: "k" }, () => 7), 7);
  assert.equal(mixed.stats().keys!["k"]!.limit, 3);
  await mixed.shutdown();
});

// SPEC (Executor): "Invalid options … (… a key that is not a string) — throw synchronously a TypeError or RangeError whose message names the option; the executor carries on."
test("per-key: bad options are TypeErrors or RangeErrors naming the option, thrown synchronously", async () => {
  for (const perKey of [0, -1, 1.5, Number.NaN, Infinity, "x", ""]) {
    assert.throws(() => new AsyncPoolExecutor({ perKey: perKey as never }), isError(RangeError, "perKey"), `perKey ${String(perKey)}`);
  }
  for (const perKey of [null, {}, [], true]) {
    assert.throws(() => new AsyncPoolExecutor({ perKey: perKey as never }), isError(TypeError, "perKey"), `perKey ${String(perKey)}`);
  }
  assert.throws(() => new AsyncPoolExecutor({ perKey: 1, keyOf: "host" as never }), isError(TypeError, "keyOf"));
  assert.throws(() => new AsyncPoolExecutor({ keyOf: () => "k" }), isError(TypeError, "keyOf"));
  assert.throws(() => new AsyncPoolExecutor({ keyIdleTimeout: 10 }), isError(TypeError, "keyIdleTimeout"));
  assert.throws(() => new AsyncPoolExecutor({ maxIdleKeys: 10 }), isError(TypeError, "maxIdleKeys"));
  assert.throws(() => new AsyncPoolExecutor({ perKey: 1, keyIdleTimeout: -1 }), isError(RangeError, "keyIdleTimeout"));
  assert.throws(() => new AsyncPoolExecutor({ perKey: 1, maxIdleKeys: 1.5 }), isError(RangeError, "maxIdleKeys"));
  assert.throws(() => new AsyncPoolExecutor({ perKey: 2, autoLimit: { initial: 2 } }), isError(TypeError, "autoLimit"));
  assert.throws(() => new AsyncPoolExecutor({ perKey: "auto", autoLimit: { min: 0 } }), isError(RangeError, "min"));
  assert.doesNotThrow(() => new AsyncPoolExecutor({ maxWorkers: 8, perKey: "auto", autoLimit: { initial: 2 } }));

  const ex = new AsyncPoolExecutor({ maxWorkers: 2, perKey: 1, keyOf: (x: unknown) => x as string });
  let ran = 0;
  for (const key of [42, null, {}, Symbol("k")]) {
    assert.throws(() => ex.submitWith({ key: key as never }, () => ran++), isError(TypeError, "key"), `key ${String(key)}`);
    assert.throws(() => ex.map((x: number) => x, [1], { key: key as never }), isError(TypeError, "key"));
  }
  assert.throws(() => ex.submit((x: unknown) => ran++, 42), isError(TypeError, "keyOf"));
  assert.throws(() => ex.submitWith({ key: "k", nope: 1 } as never, () => ran++), isError(TypeError, "nope"));
  await sleep(0);
  assert.equal(ran, 0, "no call with bad options ran");
  // The executor carries on.
  assert.equal(await ex.submitWith({ key: "k" }, () => "fine"), "fine");
  assert.equal(await ex.submit((x: string) => x, "via keyOf"), "via keyOf");
  await ex.shutdown();

  // A key on a pool without perKey would silently have no effect: it is an error instead.
  const plain = new AsyncPoolExecutor();
  assert.throws(() => plain.submitWith({ key: "k" }, () => 1), isError(TypeError, "perKey"));
  assert.throws(() => plain.map((x: number) => x, [1], { key: "k" }), isError(TypeError, "perKey"));
  assert.equal(await plain.submitWith({ key: undefined } as never, () => 1), 1);
  await plain.shutdown();
});

test("per-key: streamWith({ key }) holds a slot of that key for the whole stream; keys take their own limits", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 4, perKey: 1 });
  let open: Array<() => void> = [];
  async function* slow(label: string) {
    yield `${label}:0`;
    await new Promise<void>((resolve) => open.push(resolve));
    yield `${label}:1`;
  }
  const a1 = ex.streamWith({ key: "a" }, slow, "a1");
  const a2 = ex.streamWith({ key: "a" }, slow, "a2");
  const b1 = ex.streamWith({ key: "b" }, slow, "b1");
  assert.equal((await a1.next()).value, "a1:0");
  assert.equal((await b1.next()).value, "b1:0");
  const keys = ex.stats().keys ?? {};
  assert.equal(keys["a"]?.inFlight, 1, "a1 holds key a's one slot");
  assert.equal(keys["a"]?.queued, 1, "a2 waits for it");
  assert.equal(keys["b"]?.inFlight, 1, "key b has its own slot");
  const release = () => {
    for (const resolve of open) resolve();
    open = [];
  };
  const rest: string[] = [];
  for (const s of [a1, a2]) {
    for (;;) {
      release();
      const r = await s.next();
      if (r.done) break;
      rest.push(r.value);
    }
  }
  assert.deepEqual(rest, ["a1:1", "a2:0", "a2:1"], "a2 started only once a1 had ended");
  assert.throws(() => ex.streamWith({ key: 5 } as never, slow, "x"), isError(TypeError, "streamWith key"));
  assert.throws(() => new AsyncPoolExecutor().streamWith({ key: "a" }, slow, "x"), isError(TypeError, "streamWith key"));
  for (const resolve of open) resolve();
  await b1.return?.();
  await ex.shutdown({ cancelFutures: true });
});
