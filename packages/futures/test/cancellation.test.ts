// Time limits and cancellation that tasks can see (issue 16, SPEC "Time limits and
// cancellation that tasks can see"): what only one executor can show. The sentences both
// local executors share are in the executor suite (@concurrent/conformance/executor).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncPoolExecutor, WorkerExitedError, WorkerPoolExecutor, adapter, currentSignal, taskModule, type PoolAdapter } from "@concurrent/futures";
import { currentRuntime, sleep } from "@concurrent/testkit/helpers";
import { errorOf, flags, spinFlag } from "./helpers/pool.js";

const runtime = currentRuntime();

const tasks = taskModule<typeof import("./fixtures/tasks.js")>(new URL("./fixtures/tasks.js", import.meta.url));

/** The runtime's adapter, counting the workers it starts (a respawn shows as one more). */
function countingAdapter(): { adapter: PoolAdapter; spawned(): number } {
  let n = 0;
  return {
    adapter: { ...adapter, spawn: (url, events, options) => (n++, adapter.spawn(url, events, options)) },
    spawned: () => n,
  };
}

const isTimeout = (e: unknown) => (e as { code?: unknown })?.code === "ERR_TIMEOUT";

// ---- currentSignal() itself ----------------------------------------------------------

test(`currentSignal (${runtime}): outside a task it throws a TypeError`, async () => {
  assert.throws(() => currentSignal(), TypeError);
  // Nor after a task: a call's context ends with it.
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  await ex.submit(() => currentSignal());
  assert.throws(() => currentSignal(), TypeError);
  await ex.shutdown();
});

// ---- worker pool: module tasks, grace, respawns, terminateWorkers ------------------------

for (const how of ["abort", "timeout"] as const) {
  test(`worker pool (${runtime}): a module task that honours currentSignal() stops on ${how}, cleans up, and its worker is kept (no respawn)`, async () => {
    const counted = countingAdapter();
    const pool = new WorkerPoolExecutor({ maxWorkers: 1, adapter: counted.adapter });
    try {
      const tag = await pool.submit(tasks.workerTag);
      const flag = flags(2);
      const controller = new AbortController();
      const f = pool.submitWith(how === "abort" ? { signal: controller.signal } : { timeout: 30 }, tasks.untilAborted, flag.sab);
      await flag.started(0);
      if (how === "abort") controller.abort("caller's reason");
      const error = await errorOf(f);
      if (how === "abort") assert.equal(error, "caller's reason");
      else assert.ok(isTimeout(error), `got ${String(error)}`);
      await flag.started(1); // the cleanup ran
      assert.equal(await pool.submit(tasks.cleanupCount), 1, "module state: the next call on this worker sees the cleanup");
      assert.equal(await pool.submit(tasks.workerTag), tag, "the same worker");
      assert.equal(counted.spawned(), 1, "no worker was started again");
    } finally {
      await pool.terminateWorkers({ grace: 0 });
    }
  });
}

test(`worker pool (${runtime}): a task that ignores its signal is terminated after grace; its future rejected at once; the pool carries on`, async () => {
  const counted = countingAdapter();
  const pool = new WorkerPoolExecutor({ maxWorkers: 1, adapter: counted.adapter });
  const spinning = spinFlag();
  try {
    const tag = await pool.submit(tasks.workerTag);
    const flag = flags(1);
    const f = pool.submitWith({ timeout: 20, grace: 100 }, tasks.ignoreSignal, flag.sab);
    const queued = pool.submit(tasks.square, 5);
    assert.ok(isTimeout(await errorOf(f)));
    // The future rejected at the timeout; the worker is replaced only once grace is over.
    assert.equal(await queued, 25, "the call behind it ran");
    assert.notEqual(await pool.submit(tasks.workerTag), tag, "a new worker");
    assert.equal(counted.spawned(), 2);
    // A spinning task (never yields: cannot even hear the abort) is stopped the same way.
    const spin = pool.submitWith({ timeout: 20, grace: 50 }, tasks.spin, spinning.sab);
    assert.ok(isTimeout(await errorOf(spin)));
    assert.equal(await pool.submit(tasks.square, 6), 36);
    const s = pool.stats();
    assert.equal(s.failed, 2, JSON.stringify(s));
  } finally {
    await pool.terminateWorkers({ grace: 0 });
    spinning.release();
  }
});

test(`worker pool (${runtime}): terminateWorkers() aborts running calls first: a task that honours it cleans up, then every worker exits`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 2 });
  const a = flags(2);
  const b = flags(2);
  const honouring = pool.submit(tasks.untilAborted, a.sab);
  const ignoring = pool.submit(tasks.ignoreSignal, b.sab);
  const queued = pool.submit(tasks.square, 3);
  await a.started(0);
  await b.started(0);
  await pool.terminateWorkers({ grace: 200 });
  assert.equal(a.get(1), 1, "the honouring task saw its signal abort and cleaned up before its worker ended");
  for (const f of [honouring, ignoring]) {
    const error = await errorOf(f);
    assert.ok(error instanceof WorkerExitedError, `got ${String(error)}`);
  }
  assert.equal(queued.cancelled(), true);
  assert.equal(pool.stats().workers, 0);
});

test(`worker pool (${runtime}): terminateWorkers({ grace: 0 }) stops at once; a bad grace is a TypeError/RangeError`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  assert.throws(() => void pool.terminateWorkers({ grace: -1 }), RangeError);
  assert.throws(() => void pool.terminateWorkers({ grace: "1" as never }), TypeError);
  assert.throws(() => void pool.terminateWorkers({ wait: true } as never), TypeError);
  const flag = spinFlag();
  const f = pool.submit(tasks.spin, flag.sab);
  try {
    await flag.started();
    await pool.terminateWorkers({ grace: 0 });
    assert.ok((await errorOf(f)) instanceof WorkerExitedError);
  } finally {
    flag.release();
  }
});

test(`worker pool (${runtime}): a call aborted while queued on a busy worker never runs`, async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  try {
    // Both functions look quick to the pool (warmed up), so it queues the second call on the
    // worker behind the first, which then runs long (awaiting: the worker hears messages).
    const mark = (sab: SharedArrayBuffer) => Atomics.store(new Int32Array(sab), 0, 1);
    for (let i = 0; i < 5; i++) {
      await pool.submit(tasks.work, 0);
      await pool.submit(mark, new SharedArrayBuffer(4));
    }
    const flag = flags(1);
    const slow = pool.submit(tasks.work, 300);
    const controller = new AbortController();
    const aborted = pool.submitWith({ signal: controller.signal }, mark, flag.sab);
    // Usually handed to the worker by now (state "running"); on a loaded machine the pool may
    // still hold it (its measured averages decide). Either way it must never run.
    await sleep(30);
    controller.abort("no");
    assert.equal(await errorOf(aborted), "no");
    assert.equal(await slow, "done");
    assert.equal(await pool.submit(tasks.square, 4), 16);
    assert.equal(flag.get(0), 0, "the aborted call never ran");
  } finally {
    await pool.terminateWorkers({ grace: 0 });
  }
});

// ---- async pool: the context follows awaits; no forced stop --------------------------------

test(`async pool (${runtime}): currentSignal() is each call's own through nested async functions, timers, microtasks and fetch, with 100 interleaved calls`, async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 100 });
  const seen: AbortSignal[][] = Array.from({ length: 100 }, () => []);
  const look = (i: number) => seen[i]!.push(currentSignal());
  const inner = async (i: number) => {
    look(i);
    await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
    look(i);
    await Promise.resolve();
    look(i);
    await (await fetch("data:text/plain,x")).text();
    look(i);
  };
  const task = async (i: number) => {
    look(i);
    await inner(i);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await inner(i);
    look(i);
    return i;
  };
  const controllers = Array.from({ length: 100 }, () => new AbortController());
  const fs = controllers.map((c, i) => ex.submitWith({ signal: c.signal }, task, i));
  await sleep(1);
  for (let i = 0; i < 100; i += 2) controllers[i]!.abort(`reason ${i}`);
  await Promise.allSettled(fs);
  await ex.shutdown();
  const distinct = new Set<AbortSignal>();
  for (let i = 0; i < 100; i++) {
    const mine = seen[i]!;
    assert.equal(mine.length, 10, `call ${i} looked 10 times`);
    assert.ok(mine.every((s) => s === mine[0]), `call ${i} always saw one signal`);
    distinct.add(mine[0]!);
    if (i % 2 === 0) assert.equal(mine[0]!.reason, `reason ${i}`);
    else assert.equal(mine[0]!.aborted, false);
  }
  assert.equal(distinct.size, 100, "every call has its own signal");
});

test(`async pool (${runtime}): an aborted running call rejects at once but keeps its slot until it returns; counted failed`, async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let sawAbort = false;
  const f = ex.submitWith({ timeout: 10 }, async () => {
    await released; // ignores its signal
    sawAbort = currentSignal().aborted;
    return "late value";
  });
  let secondStarted = false;
  const second = ex.submit(() => (secondStarted = true));
  assert.ok(isTimeout(await errorOf(f)));
  await sleep(20);
  assert.equal(secondStarted, false, "the slot is still taken");
  assert.equal(ex.stats().inFlight, 1);
  release();
  assert.equal(await second, true);
  assert.equal(sawAbort, true);
  const s = ex.stats();
  assert.equal(s.failed, 1, JSON.stringify(s));
  assert.equal(s.completed, 1, JSON.stringify(s));
  await ex.shutdown();
});

test(`async pool (${runtime}): the run-time timeout starts when the call does`, async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  let release!: () => void;
  const blocker = ex.submit(() => new Promise<void>((resolve) => (release = resolve)));
  const f = ex.submitWith({ timeout: 50 }, async () => {
    const signal = currentSignal();
    await sleep(5);
    return signal.aborted ? "aborted" : "ran";
  });
  await sleep(150);
  release();
  await blocker;
  assert.equal(await f, "ran");
  await ex.shutdown();
});
