// The executor suite, part: submit, maxWorkers, asCompleted and wait over executor futures. See suite.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALL_COMPLETED, asCompleted, CancelledError, FIRST_COMPLETED, FIRST_EXCEPTION, Future, TimeoutError, wait } from "@concurrent/core";
import { sleep, until } from "@concurrent/testkit/helpers";
import { gated, pow, mul, sleepThen, fail, type SuiteContext } from "./tasks.js";

export function callCases({ name, gate, using }: SuiteContext): void {
  // ---- submit and the future's life ------------------------------------------------

  test(`${name}: submit returns a pending future at once and resolves to the value`, () =>
    using(undefined, async (ex) => {
      const f = ex.submit(pow, 2, 8);
      assert.ok(f instanceof Future);
      assert.equal(f.done(), false, "submit does not run the call inside submit");
      assert.equal(await f.result(), 256);
      assert.equal(await ex.submit(mul, 2, 21), 42);
      assert.equal(await ex.submit(sleepThen, 1, 7), 7, "async functions are awaited");
      assert.equal(await ex.submit(() => "no args"), "no args");
      const given = (...xs: unknown[]) => [xs.length, ...xs];
      assert.deepEqual(await ex.submit(given, [1, 2]), [1, [1, 2]], "one array argument stays one argument");
      assert.deepEqual(await ex.submit(given, undefined), [1, undefined], "an undefined argument is still an argument");
      assert.deepEqual(await ex.submit(given, "a", ["b"], 3), [3, "a", ["b"], 3]);
      // submitWith passes the same arguments (both read them without a rest array).
      assert.deepEqual(await ex.submitWith({}, given), [0]);
      assert.deepEqual(await ex.submitWith({}, given, [1, 2]), [1, [1, 2]]);
      assert.deepEqual(await ex.submitWith({}, given, undefined), [1, undefined]);
      assert.deepEqual(await ex.submitWith({ timeout: 60_000 }, given, "a", undefined), [2, "a", undefined]);
    }));

  test(`${name}: a task's error rejects its future with that error (name and message kept)`, () =>
    using(undefined, async (ex) => {
      const f = ex.submit(fail, "it broke");
      const error = await f.exception();
      assert.ok(error instanceof Error);
      assert.equal(error.name, "RangeError");
      assert.equal(error.message, "it broke");
      await assert.rejects(f.result(), (e: unknown) => (e as Error).message === "it broke");
      assert.equal(f.state, "finished");
      assert.equal(await ex.submit(pow, 3, 2), 9, "the executor carries on after a failing task");
    }));

  test(`${name}: a future goes pending -> running -> finished`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const f = ex.submit(gated, g.sab, 0);
        assert.equal(f.state, "pending");
        await until(() => g.flag(0) === 1, "the call to start");
        await until(() => f.state === "running", "the future to be running");
        assert.equal(f.running(), true);
        assert.equal(f.done(), false);
        g.open();
        assert.equal(await f, 0);
        assert.equal(f.state, "finished");
        assert.equal(f.done(), true);
      },
      [g],
    );
  });

  test(`${name}: cancel() of a queued call is true and it never runs; of a running call false`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const first = ex.submit(gated, g.sab, 0);
        const second = ex.submit(gated, g.sab, 1);
        await until(() => g.flag(0) === 1 && first.running(), "the first call to run");
        assert.equal(second.cancel(), true);
        assert.equal(second.cancelled(), true);
        assert.equal(first.cancel(), false, "a running call cannot be cancelled");
        await assert.rejects(second.result(), CancelledError);
        g.open();
        assert.equal(await first, 0);
        await ex.shutdown();
        assert.equal(g.flag(1), 0, "the cancelled call never ran");
      },
      [g],
    );
  });

  test(`${name}: many calls all complete with the right results`, () =>
    using(undefined, async (ex) => {
      const fs = Array.from({ length: 200 }, (_, i) => ex.submit(mul, i, 3));
      const values = await Promise.all(fs.map((f) => f.result()));
      assert.deepEqual(values, Array.from({ length: 200 }, (_, i) => i * 3));
    }));

  // ---- maxWorkers ----------------------------------------------------------------------

  test(`${name}: never more than maxWorkers calls in flight, and that many do run at once`, () => {
    const g = gate();
    return using(
      { maxWorkers: 3 },
      async (ex) => {
        const fs = Array.from({ length: 12 }, (_, i) => ex.submit(gated, g.sab, i));
        await until(() => g.started() === 3, "3 calls to start");
        await sleep(30); // give a broken limit the chance to start a fourth
        assert.equal(g.started(), 3);
        // A queue's futures learn that their job started from an event: wait for it.
        await until(() => fs.filter((f) => f.running()).length === 3, "3 futures to be running");
        assert.equal(fs.filter((f) => f.state === "pending").length, 9);
        g.open();
        assert.deepEqual(await Promise.all(fs), Array.from({ length: 12 }, (_, i) => i));
        assert.equal(Atomics.load(g.a, 3), 3, "max concurrently running");
      },
      [g],
    );
  });

  // ---- asCompleted and wait over executor futures ------------------------------------

  test(`${name}: asCompleted over executor futures and done ones (Python test_no_timeout)`, () =>
    using(undefined, async (ex) => {
      const done = new Future<number>();
      done.setResult(1);
      const cancelled = new Future<number>();
      cancelled.cancel();
      const f1 = ex.submit(mul, 2, 21);
      const f2 = ex.submit(mul, 7, 6);
      const seen = new Set<Future<number>>();
      const it = asCompleted([cancelled, done, f1, f2]);
      for (let step = await it.next(); !step.done; step = await it.next()) seen.add(step.value);
      assert.deepEqual(seen, new Set([cancelled, done, f1, f2]));
    }));

  test(`${name}: asCompleted times out, leaving the running future out (Python test_future_times_out)`, () => {
    const g = gate();
    return using(
      undefined,
      async (ex) => {
        for (const timeout of [0, 20]) {
          const done = new Future<number>();
          done.setResult(1);
          const slow = ex.submit(gated, g.sab, 0);
          const seen: Future<number>[] = [];
          const it = asCompleted([done, slow], { timeout });
          let caught: unknown;
          try {
            for (let step = await it.next(); !step.done; step = await it.next()) seen.push(step.value);
          } catch (error) {
            caught = error;
          }
          assert.ok(caught instanceof TimeoutError);
          assert.deepEqual(seen, [done]);
        }
      },
      [g],
    );
  });

  test(`${name}: asCompleted yields a repeated future once (bpo-20367)`, () =>
    using(undefined, async (ex) => {
      const f = ex.submit(sleepThen, 2, 1);
      const seen: Future<number>[] = [];
      const it = asCompleted([f, f, f]);
      for (let step = await it.next(); !step.done; step = await it.next()) seen.push(step.value);
      assert.deepEqual(seen, [f]);
    }));

  test(`${name}: wait FIRST_COMPLETED / FIRST_EXCEPTION / ALL_COMPLETED over executor futures`, () => {
    const g = gate();
    return using(
      { maxWorkers: 4 },
      async (ex) => {
        const cancelled = new Future<number>();
        cancelled.cancel();
        const quick = ex.submit(mul, 21, 2);
        const blocked = ex.submit(gated, g.sab, 0);
        let r = await wait([quick, blocked], { returnWhen: FIRST_COMPLETED });
        assert.deepEqual(r.done, new Set([quick]));
        assert.deepEqual(r.notDone, new Set([blocked]));

        const failing = ex.submit(fail, "x");
        r = await wait([quick, failing, blocked], { returnWhen: FIRST_EXCEPTION });
        assert.deepEqual(r.done, new Set([quick, failing]));
        assert.deepEqual(r.notDone, new Set([blocked]));

        await until(() => blocked.running(), "the blocked call to run");
        r = await wait([quick, blocked, cancelled], { timeout: 20 });
        assert.deepEqual(r.done, new Set([quick, cancelled]));
        assert.deepEqual(r.notDone, new Set([blocked]));
        assert.equal(blocked.running(), true, "the wait timeout leaves the future running");

        const all = wait([quick, failing, blocked, cancelled], { returnWhen: ALL_COMPLETED });
        g.open();
        r = await all;
        assert.equal(r.done.size, 4);
        assert.equal(r.notDone.size, 0);
        r = await wait([quick, quick]);
        assert.deepEqual(r.done, new Set([quick]));
      },
      [g],
    );
  });
}
