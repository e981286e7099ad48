// The executor suite, part: submitWith (signal, timeout, queueTimeout, currentSignal) and bad input. See suite.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TimeoutError, currentSignal, wait } from "@concurrent/core";
import { sleep, throwsOrRejects, until } from "@concurrent/testkit/helpers";
import { cells, gated, markItem, pow, sleepThen, honour, threadTag, markRan, isCode, badArg, type SuiteContext } from "./tasks.js";

export function submitWithCases({ name, make, caps, byName, gate, using }: SuiteContext): void {
  // ---- submitWith --------------------------------------------------------------------

  test(`${name}: submitWith an aborted signal: the future rejects with signal.reason and the call never runs`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const reason = new Error("aborted before submit");
        const f = ex.submitWith({ signal: AbortSignal.abort(reason) }, gated, g.sab, 0);
        await assert.rejects(f.result(), (e) => e === reason);
        const blocker = ex.submit(gated, g.sab, 1);
        await until(() => g.flag(1) === 1, "the blocker to run");
        const controller = new AbortController();
        const queued = ex.submitWith({ signal: controller.signal }, gated, g.sab, 2);
        const reason2 = new Error("aborted while queued");
        controller.abort(reason2);
        await assert.rejects(queued.result(), (e) => e === reason2);
        g.open();
        assert.equal(await blocker, 1);
        assert.equal(await ex.submit(pow, 2, 3), 8, "the executor carries on");
        await ex.shutdown();
        assert.equal(g.flag(0), 0);
        assert.equal(g.flag(2), 0);
        const s = ex.stats();
        assert.equal(s.completed + s.failed + s.cancelled + s.inFlight + s.queued, 4, JSON.stringify(s));
      },
      [g],
    );
  });

  test(`${name}: submitWith timeout is run time: a running call past it rejects with TimeoutError; queueTimeout rejects a call that waited too long, which never runs`, () => {
    const g = gate();
    const ran = cells(4, byName);
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        // gated ignores its signal: grace 0 stops it at once on a worker pool (the async pool
        // cannot stop it: it keeps its slot until the gate opens).
        const running = ex.submitWith({ timeout: 20, grace: 0 }, gated, g.sab, 0);
        const queued = ex.submitWith({ queueTimeout: 20 }, markRan, ran.ref, "queued");
        await assert.rejects(running.result(), isCode("ERR_TIMEOUT"));
        await assert.rejects(queued.result(), isCode("ERR_TIMEOUT"));
        g.open();
        assert.equal(await ex.submitWith({ timeout: 60_000, queueTimeout: 60_000 }, pow, 2, 2), 4);
        await ex.shutdown();
        assert.equal(Atomics.load(ran.a, 0), 0, "the call past its queueTimeout never ran");
        const s = ex.stats();
        assert.equal(s.failed, 2, JSON.stringify(s));
      },
      [g],
    );
  });

  test(`${name}: a call queued behind a long one, with a timeout shorter than its wait but longer than its run, completes (piscina #869)`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const long = ex.submit(gated, g.sab, 0);
        await until(() => g.flag(0) === 1, "the long call to start");
        const short = ex.submitWith({ timeout: 100 }, pow, 3, 2);
        await sleep(300); // it waits three times its timeout
        assert.equal(short.state, "pending");
        g.open();
        assert.equal(await long, 0);
        assert.equal(await short, 9);
      },
      [g],
    );
  });

  for (const how of ["its signal aborts", "its run-time timeout passes"] as const) {
    test(`${name}: a task that honours currentSignal() stops when ${how}: its future rejects with the reason although it returned a value, it cleaned up, and it ran on the same thread afterwards`, { skip: caps.noStopOfRunningCalls ?? false }, () =>
      using({ maxWorkers: 1 }, async (ex) => {
        const before = await ex.submit(threadTag);
        const { ref: sab, a } = cells(16, byName);
        const controller = new AbortController();
        const reason = Object.assign(new Error("the caller gave up"), { code: "E_CALLER" });
        const f =
          how === "its signal aborts"
            ? ex.submitWith({ signal: controller.signal }, honour, sab, "E_CALLER")
            : ex.submitWith({ timeout: 30 }, honour, sab, "ERR_TIMEOUT");
        await until(() => Atomics.load(a, 1) === 1, "the task to start");
        if (how === "its signal aborts") controller.abort(reason);
        const error = await f.exception();
        if (how === "its signal aborts") assert.equal(error, reason);
        else assert.ok(isCode("ERR_TIMEOUT")(error), `got ${String(error)}`);
        await until(() => Atomics.load(a, 2) === 1, "the task's cleanup");
        assert.equal(Atomics.load(a, 3), 1, "the task saw the same signal after its awaits, with the caller's reason");
        assert.equal(await ex.submit(threadTag), before, "the same worker ran the next call (no respawn)");
        const s = ex.stats();
        assert.equal(s.failed, 1, JSON.stringify(s));
        assert.equal(s.completed, 2, JSON.stringify(s));
      }));
  }

  test(`${name}: submitWith a queueTimeout or timeout that is not reached leaves the call alone`, () =>
    using({ maxWorkers: 2 }, async (ex) => {
      const fs = Array.from({ length: 20 }, (_, i) => ex.submitWith({ timeout: 60_000, queueTimeout: 60_000, grace: 5 }, sleepThen, 1, i));
      assert.deepEqual(await Promise.all(fs), Array.from({ length: 20 }, (_, i) => i));
    }));

  test(`${name}: submitWith with bad options throws a TypeError/RangeError and submits nothing`, () => {
    const g = gate();
    return using(undefined, async (ex) => {
      let i = 0;
      for (const option of ["timeout", "queueTimeout", "grace"]) {
        for (const [value, type] of [[-1, RangeError], [NaN, RangeError], ["5", TypeError], [null, TypeError]] as const) {
          await throwsOrRejects(
            () => ex.submitWith({ [option]: value }, markItem, [g.sab, i++]),
            badArg(type, new RegExp(`\\b${option}\\b`)),
            `${option} ${String(value)}`,
          );
        }
      }
      await throwsOrRejects(() => ex.submitWith({ signal: "no" as never }, markItem, [g.sab, i++]), badArg(TypeError, /signal/), "signal");
      await throwsOrRejects(() => ex.submitWith({ timout: 1 } as never, markItem, [g.sab, i++]), badArg(TypeError, /timout/), "unknown option");
      assert.equal(await ex.submit(pow, 2, 5), 32, "the executor carries on");
      await ex.shutdown();
      assert.equal(g.started(), 0, "no call was submitted");
    });
  });

  // ---- bad input ---------------------------------------------------------------------

  test(`${name}: bad maxWorkers is a TypeError/RangeError naming maxWorkers`, { skip: caps.noMaxWorkersOption ?? false }, async () => {
    for (const maxWorkers of [0, -1, NaN, 1.5]) {
      assert.throws(() => make({ maxWorkers }), badArg(RangeError, /maxWorkers/), `maxWorkers ${maxWorkers}`);
    }
    assert.throws(() => make({ maxWorkers: "x" as never }), (e: unknown) => badArg(TypeError, /maxWorkers/)(e) || badArg(RangeError, /maxWorkers/)(e));
    assert.throws(() => make({ max_workers: 2 } as never), badArg(TypeError, /max_workers/));
  });

  test(`${name}: submit of something that is not a task is a TypeError`, () =>
    using(undefined, async (ex) => {
      await throwsOrRejects(() => ex.submit(42 as never), (e) => e instanceof TypeError, "submit(42)");
      assert.equal(await ex.submit(pow, 2, 1), 2);
    }));

  if (caps.defaultMaxWorkers !== undefined) {
    const expected = caps.defaultMaxWorkers;
    test(`${name}: the default maxWorkers is ${expected}`, async () => {
      const ex = make();
      try {
        assert.equal(ex.stats().limit, expected);
      } finally {
        await ex.shutdown();
      }
    });
  }
}
