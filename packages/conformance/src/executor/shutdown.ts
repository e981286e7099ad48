// The executor suite, part: shutdown, the initializer and stats(). See suite.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BrokenExecutorError, CancelledError, Future, FuturesError, ShutdownError, wait, type Executor } from "@concurrent/core";
import { throwsOrRejects, until } from "@concurrent/testkit/helpers";
import { gated, pow, double, sleepThen, fail, isCode, badArg, drain, type SuiteContext } from "./tasks.js";

export function shutdownCases({ name, make, caps, gate, using }: SuiteContext): void {
  // ---- shutdown ------------------------------------------------------------------------

  test(`${name}: submit after shutdown throws ShutdownError synchronously`, async () => {
    const ex = make();
    await ex.shutdown();
    assert.throws(
      () => ex.submit(pow, 2, 5),
      (e: unknown) => e instanceof ShutdownError && e instanceof FuturesError && e.code === "ERR_SHUTDOWN" && e.name === "ShutdownError",
    );
    const ex2 = make();
    void ex2.shutdown({ wait: false });
    assert.throws(() => ex2.submit(pow, 2, 5), ShutdownError, "already while shutting down");
  });

  test(`${name}: map after shutdown fails with ShutdownError`, async () => {
    const ex = make();
    await ex.shutdown();
    await throwsOrRejects(() => ex.map(double, [1, 2]).next(), isCode("ERR_SHUTDOWN"), "map after shutdown");
  });

  test(`${name}: shutdown is idempotent`, async () => {
    const ex = make();
    const f = ex.submit(sleepThen, 5, 1);
    await Promise.all([ex.shutdown(), ex.shutdown()]);
    await ex.shutdown();
    await ex.shutdown({ wait: false, cancelFutures: true });
    assert.equal(f.state, "finished");
    assert.throws(() => ex.submit(pow, 1, 1), ShutdownError);
  });

  test(`${name}: shutdown() waits for every submitted call (bpo-12364)`, async () => {
    const ex = make({ maxWorkers: 2 });
    const fs = Array.from({ length: 30 }, (_, i) => ex.submit(sleepThen, 1, i));
    await ex.shutdown();
    assert.ok(
      fs.every((f) => f.state === "finished"),
      "every future finished by the time shutdown() resolved",
    );
    assert.deepEqual(await Promise.all(fs), Array.from({ length: 30 }, (_, i) => i));
  });

  test(`${name}: shutdown({ cancelFutures: true }) cancels queued calls, lets running ones finish`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 1 });
    const running = ex.submit(gated, g.sab, 0);
    const queued = Array.from({ length: 10 }, (_, i) => ex.submit(gated, g.sab, i + 1));
    try {
      await until(() => g.flag(0) === 1 && running.running(), "the first call to start");
      const shut = ex.shutdown({ cancelFutures: true });
      assert.ok(queued.every((f) => f.cancelled()), "every queued call is cancelled at once");
      g.open();
      await shut;
      assert.equal(running.state, "finished");
      assert.equal(await running, 0);
      for (let i = 1; i <= 10; i++) assert.equal(g.flag(i), 0, `cancelled call ${i} never ran`);
      await assert.rejects(queued[0]!.result(), CancelledError);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });

  test(`${name}: shutdown() without cancelFutures runs the queued calls too`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 1 });
    const fs = Array.from({ length: 4 }, (_, i) => ex.submit(gated, g.sab, i));
    try {
      await until(() => g.flag(0) === 1, "the first call to start");
      const shut = ex.shutdown();
      g.open();
      await shut;
      assert.deepEqual(await Promise.all(fs), [0, 1, 2, 3]);
      assert.equal(g.started(), 4);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });

  test(`${name}: shutdown({ wait: false }) returns before running calls finish`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 1 });
    const f = ex.submit(gated, g.sab, 0);
    try {
      await until(() => g.flag(0) === 1, "the call to start");
      await ex.shutdown({ wait: false });
      assert.equal(f.done(), false, "still running after shutdown({ wait: false }) resolved");
      g.open();
      assert.equal(await f, 0);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });

  test(`${name}: shutdown after a call was submitted and cancelled does not hang (gh-94440)`, async () => {
    const ex = make({ maxWorkers: 1 });
    await ex.submit(pow, 1, 1);
    ex.submit(pow, 1, 1).cancel();
    await ex.shutdown();
  });

  test(`${name}: Symbol.asyncDispose is shutdown({ wait: true })`, async () => {
    const ex = make();
    const f = ex.submit(sleepThen, 5, 1);
    await ex[Symbol.asyncDispose]();
    assert.equal(f.state, "finished");
    assert.throws(() => ex.submit(pow, 1, 1), ShutdownError);
  });

  test(`${name}: await using shuts the executor down at scope exit`, async () => {
    let escaped: Executor | undefined;
    let f: Future<number> | undefined;
    {
      await using ex = make();
      escaped = ex;
      f = ex.submit(sleepThen, 5, 3);
      assert.deepEqual(await drain(ex.map((x: number) => Math.abs(x), [-2, -1, 0, 1])), [2, 1, 0, 1]);
    }
    assert.equal(f.state, "finished", "the scope exit waited for the call");
    assert.throws(() => escaped!.submit(pow, 1, 1), ShutdownError);
  });

  test(`${name}: unknown shutdown options are a TypeError naming them`, async () => {
    const ex = make();
    try {
      await throwsOrRejects(() => ex.shutdown({ cancel_futures: true } as never), badArg(TypeError, /cancel_futures/), "shutdown option");
    } finally {
      await ex.shutdown();
    }
  });

  // ---- initializer -----------------------------------------------------------------------

  test(`${name}: the initializer runs with initArgs before the first call`, () =>
    using(
      {
        initializer: (value: string) => {
          (globalThis as Record<string, unknown>)["__suiteInitValue"] = value;
        },
        initArgs: ["initialized-" + name],
      },
      async (ex) => {
        const read = () => (globalThis as Record<string, unknown>)["__suiteInitValue"];
        assert.equal(await ex.submit(read), "initialized-" + name);
      },
    ));

  test(`${name}: a failing initializer breaks the executor: pending and later futures fail with BrokenExecutorError`, async () => {
    const ex = make({
      initializer: () => {
        throw new Error("initializer failed");
      },
    });
    try {
      const pending = [ex.submit(pow, 2, 2), ex.submit(pow, 2, 3)];
      for (const f of pending) {
        const error = await f.exception(20_000);
        assert.ok(error instanceof BrokenExecutorError, String(error));
        assert.equal(error.code, "ERR_BROKEN_EXECUTOR");
        assert.equal(error.name, "BrokenExecutorError");
      }
      let later: Future<number> | undefined;
      try {
        later = ex.submit(pow, 2, 4);
      } catch (error) {
        assert.ok(error instanceof BrokenExecutorError, String(error));
      }
      if (later) assert.ok((await later.exception(20_000)) instanceof BrokenExecutorError);
    } finally {
      await ex.shutdown();
    }
  });

  // ---- stats ---------------------------------------------------------------------------

  test(`${name}: stats() shape and consistency (completed + failed + cancelled + inFlight + queued = submitted)`, async () => {
    const g = gate();
    const ex = make({ maxWorkers: 2 });
    const consistent = (submitted: number) => {
      const s = ex.stats();
      assert.equal(s.completed + s.failed + s.cancelled + s.inFlight + s.queued, submitted, JSON.stringify(s));
      return s;
    };
    try {
      const s0 = consistent(0);
      assert.equal(s0.limit, caps.statsLimit?.value ?? 2);
      for (const key of ["runTime", "waitTime"] as const) {
        for (const p of ["p50", "p90", "p99", "max", "samples"] as const) assert.equal(typeof s0[key][p], "number", `${key}.${p}`);
      }
      if (Number.isFinite(s0.limit)) assert.deepEqual(JSON.parse(JSON.stringify(s0)), s0, "a plain object");
      else {
        // Only a flagged executor gets here (limit is asserted to be its statsLimit above).
        const { limit: _limit, ...rest } = s0;
        assert.deepEqual(JSON.parse(JSON.stringify(rest)), rest, `a plain object but for limit (${caps.statsLimit?.reason})`);
      }
      const fs = Array.from({ length: 6 }, (_, i) => ex.submit(gated, g.sab, i));
      consistent(6);
      await until(() => g.started() === 2 && ex.stats().inFlight === 2, "two calls in flight");
      const s1 = consistent(6);
      assert.equal(s1.queued, 4);
      fs[5]!.cancel();
      consistent(6);
      const bad = ex.submit(fail, "x");
      g.open();
      await Promise.all(fs.slice(0, 5));
      await bad.exception();
      await ex.shutdown();
      const s2 = consistent(7);
      assert.equal(s2.completed, 5);
      assert.equal(s2.failed, 1);
      assert.equal(s2.cancelled, 1);
      assert.equal(s2.inFlight, 0);
      assert.equal(s2.queued, 0);
      assert.ok(s2.runTime.samples >= 5 && s2.runTime.max >= s2.runTime.p50 && s2.runTime.p99 >= s2.runTime.p50);
    } finally {
      g.open();
      await ex.shutdown();
    }
  });
}
