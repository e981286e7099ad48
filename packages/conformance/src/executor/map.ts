// The executor suite, part: map: order, errors, timeout, buffersize, async and endless inputs, bad options. See suite.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TimeoutError } from "@concurrent/core";
import { sleep, throwsOrRejects, until } from "@concurrent/testkit/helpers";
import { gated, gatedItem, markItem, slowMark, double, inverse, badArg, drain, type Cells, type SuiteContext } from "./tasks.js";

export function mapCases({ name, gate, using }: SuiteContext): void {
  // ---- map -----------------------------------------------------------------------------

  test(`${name}: map yields results in input order (with and without chunksize)`, () =>
    using(undefined, async (ex) => {
      const items = Array.from({ length: 10 }, (_, i) => i);
      assert.deepEqual(await drain(ex.map(double, items)), items.map((x) => x * 2));
      assert.deepEqual(await drain(ex.map(double, items, { chunksize: 3 })), items.map((x) => x * 2));
      // later items finish first: order is still input order
      const delays = [12, 9, 6, 3, 0];
      const out = await drain(ex.map((ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), delays));
      assert.deepEqual(out, delays);
      assert.deepEqual(await drain(ex.map(double, [])), []);
    }));

  test(`${name}: map schedules every call at the call, before any next()`, () => {
    const g = gate();
    return using(undefined, async (ex) => {
      const items = Array.from({ length: 10 }, (_, i): [Cells, number] => [g.sab, i]);
      ex.map(markItem, items, { chunksize: 1 });
      await ex.shutdown();
      assert.equal(g.started(), 10);
    });
  });

  test(`${name}: map throws the error of call i from the next() that would yield result i`, () =>
    using(undefined, async (ex) => {
      const it = ex.map(inverse, [1, 2, 0, 4]);
      assert.deepEqual(await it.next(), { done: false, value: 1 });
      assert.deepEqual(await it.next(), { done: false, value: 0.5 });
      await assert.rejects(it.next(), (e: unknown) => e instanceof Error && e.name === "RangeError");
      assert.equal((await it.next()).done, true);
      // the same with chunks: results before the failing item still arrive first
      const chunked = ex.map(inverse, [1, 2, 0, 4, 5], { chunksize: 2 });
      assert.equal((await chunked.next()).value, 1);
      assert.equal((await chunked.next()).value, 0.5);
      await assert.rejects(chunked.next(), (e: unknown) => e instanceof Error && e.name === "RangeError");
    }));

  test(`${name}: map timeout: results ready in time are yielded, then next() throws TimeoutError`, () => {
    const g = gate();
    return using(
      undefined,
      async (ex) => {
        const sab = g.sab;
        const results: number[] = [];
        let caught: unknown;
        // Warm the executor first: the timeout runs from the map call and must not be spent
        // starting workers (slow on a loaded machine), only waiting for the blocked item.
        await ex.submit((x: number) => x, 0);
        const it = ex.map(
          (item: [Cells, number]) => {
            const a = new Int32Array(typeof item[0] === "string" ? (globalThis as unknown as Record<string, SharedArrayBuffer>)[item[0]]! : item[0]);
            if (item[1] < 2) return item[1];
            return (async () => {
              while (Atomics.load(a, 0) === 0) await new Promise((r) => setTimeout(r, 1));
              return item[1];
            })();
          },
          [[sab, 0], [sab, 1], [sab, 2]] as [Cells, number][],
          { timeout: 1000, chunksize: 1 },
        );
        try {
          for await (const v of it) results.push(v);
        } catch (error) {
          caught = error;
        }
        assert.ok(caught instanceof TimeoutError, String(caught));
        assert.equal(caught.code, "ERR_TIMEOUT");
        assert.deepEqual(results, [0, 1]);
      },
      [g],
    );
  });

  test(`${name}: map timeout is measured from the map call, not from next()`, () => {
    const g = gate();
    return using(
      undefined,
      async (ex) => {
        const it = ex.map(gatedItem, [[g.sab, 0]] as [Cells, number][], { timeout: 20, chunksize: 1 });
        await until(() => g.flag(0) === 1, "the call to start");
        await sleep(40);
        g.open(); // the result now arrives within a few ms: in time, were the clock started by next()
        await assert.rejects(it.next(), TimeoutError);
      },
      [g],
    );
  });

  test(`${name}: map timeout cancels the calls not yet started (bpo: map_current_future_cancel)`, () => {
    const g = gate();
    return using(
      { maxWorkers: 1 },
      async (ex) => {
        const busy = ex.submit(gated, g.sab, 0);
        await until(() => g.flag(0) === 1, "the pool to be saturated");
        const it = ex.map(markItem, [[g.sab, 1], [g.sab, 2]] as [Cells, number][], { timeout: 0, chunksize: 1 });
        await assert.rejects(it.next(), TimeoutError);
        g.open();
        assert.equal(await busy, 0);
        await ex.shutdown();
        assert.equal(g.flag(1), 0, "the timed-out call was cancelled");
        assert.equal(g.flag(2), 0, "the call after it was cancelled");
      },
      [g],
    );
  });

  for (const exit of ["break", "return()", "throw"] as const) {
    test(`${name}: leaving a map loop early (${exit}) cancels every call not yet started`, () => {
      const g = gate();
      return using(
        { maxWorkers: 1 },
        async (ex) => {
          const items = Array.from({ length: 20 }, (_, i): [Cells, number] => [g.sab, i]);
          g.open();
          const it = ex.map(slowMark, items, { chunksize: 1 });
          const seen: number[] = [];
          try {
            for await (const v of it) {
              seen.push(v);
              if (exit === "break") break;
              if (exit === "return()") await it.return?.();
              if (exit === "throw") throw new Error("leave");
            }
          } catch (error) {
            assert.equal((error as Error).message, "leave");
          }
          assert.deepEqual(seen, [0]);
          await ex.shutdown();
          assert.ok(g.started() < 20, `only the calls started before the exit ran (${g.started()} of 20)`);
          assert.equal(g.flag(19), 0, "the last call never ran");
        },
        [g],
      );
    });
  }

  test(`${name}: map buffersize reads only that many items ahead (Python 3.14 when_buffer_is_full)`, () =>
    using(undefined, async (ex) => {
      const ints = [0, 1, 2, 3][Symbol.iterator]();
      ex.map(double, { [Symbol.iterator]: () => ints }, { buffersize: 2, chunksize: 1 });
      await ex.shutdown();
      assert.deepEqual(ints.next(), { done: false, value: 2 });
    }));

  test(`${name}: map buffersize with an automatic chunksize counts items: a warm function reads only buffersize items`, () =>
    using(undefined, async (ex) => {
      // A function the pool has timed gets a large automatic chunksize; buffersize still
      // bounds what is read before the first next(), in items (SPEC; Python's test).
      await ex.submit(double, 1);
      await drain(ex.map(double, [1, 2, 3]));
      const ints = [0, 1, 2, 3][Symbol.iterator]();
      ex.map(double, { [Symbol.iterator]: () => ints }, { buffersize: 2 });
      await ex.shutdown();
      assert.deepEqual(ints.next(), { done: false, value: 2 });
    }));

  test(`${name}: map timeout covers an async input that stalls (after one item, or before any)`, () =>
    using(undefined, async (ex) => {
      async function* yieldsOnce() {
        yield 1;
        await new Promise(() => {});
      }
      await ex.submit(double, 0); // a started worker, so the first result is in well within the timeout
      const it = ex.map(double, yieldsOnce(), { timeout: 1000, chunksize: 1 });
      assert.deepEqual(await it.next(), { done: false, value: 2 });
      await assert.rejects(it.next(), (e: unknown) => e instanceof TimeoutError && e.code === "ERR_TIMEOUT");
      async function* never(): AsyncGenerator<number> {
        await new Promise(() => {});
      }
      await assert.rejects(ex.map(double, never(), { timeout: 50 }).next(), TimeoutError);
    }));

  test(`${name}: map buffersize over an endless generator runs in bounded memory`, () =>
    using(undefined, async (ex) => {
      let pulled = 0;
      function* naturals() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      let finished = false;
      function* tracked() {
        try {
          yield* naturals();
        } finally {
          finished = true;
        }
      }
      const out: number[] = [];
      let maxAhead = 0;
      for await (const v of ex.map(double, tracked(), { buffersize: 4, chunksize: 1 })) {
        out.push(v);
        maxAhead = Math.max(maxAhead, pulled - out.length);
        if (out.length === 200) break;
      }
      assert.deepEqual(out, Array.from({ length: 200 }, (_, i) => i * 2));
      assert.ok(maxAhead <= 4, `at most buffersize items read ahead of the consumer (was ${maxAhead})`);
      assert.ok(pulled <= 204);
      assert.equal(finished, true, "leaving the loop closes the source generator");
    }));

  test(`${name}: map accepts async iterables, in bounded memory with buffersize`, () =>
    using(undefined, async (ex) => {
      async function* source(n: number) {
        for (let i = 0; i < n; i++) {
          if (i % 3 === 0) await sleep(0);
          yield i;
        }
      }
      assert.deepEqual(await drain(ex.map(double, source(20))), Array.from({ length: 20 }, (_, i) => i * 2));
      assert.deepEqual(await drain(ex.map(double, source(20), { chunksize: 3 })), Array.from({ length: 20 }, (_, i) => i * 2));
      let pulled = 0;
      async function* endless() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const out: number[] = [];
      for await (const v of ex.map(double, endless(), { buffersize: 3, chunksize: 1 })) {
        out.push(v);
        assert.ok(pulled - out.length <= 4, `read ahead ${pulled - out.length}`);
        if (out.length === 50) break;
      }
      assert.deepEqual(out, Array.from({ length: 50 }, (_, i) => i * 2));
    }));

  test(`${name}: an error from the input iterable is thrown at its position`, () =>
    using(undefined, async (ex) => {
      function* items() {
        yield 1;
        yield 2;
        throw new SyntaxError("bad input");
      }
      const it = ex.map(double, items(), { chunksize: 1 });
      assert.equal((await it.next()).value, 2);
      assert.equal((await it.next()).value, 4);
      await assert.rejects(it.next(), SyntaxError);
      async function* asyncItems() {
        yield 1;
        throw new SyntaxError("bad async input");
      }
      const it2 = ex.map(double, asyncItems(), { chunksize: 1 });
      assert.equal((await it2.next()).value, 2);
      await assert.rejects(it2.next(), SyntaxError);
    }));

  test(`${name}: map with bad options is a TypeError/RangeError naming the option`, () =>
    using(undefined, async (ex) => {
      for (const chunksize of [0, -1, 1.5, NaN]) {
        await throwsOrRejects(() => ex.map(double, [1], { chunksize }).next(), badArg(RangeError, /chunksize/), `chunksize ${chunksize}`);
      }
      for (const buffersize of [0, -1, 1.5, NaN]) {
        await throwsOrRejects(() => ex.map(double, [1], { buffersize }).next(), badArg(RangeError, /buffersize/), `buffersize ${buffersize}`);
      }
      for (const timeout of [-1, NaN]) {
        await throwsOrRejects(() => ex.map(double, [1], { timeout }).next(), badArg(RangeError, /timeout/), `timeout ${timeout}`);
      }
      await throwsOrRejects(() => ex.map(double, [1], { chunksize: "2" as never }).next(), badArg(TypeError, /chunksize/), "chunksize '2'");
      await throwsOrRejects(() => ex.map(double, [1], { bufersize: 2 } as never).next(), badArg(TypeError, /bufersize/), "unknown option");
      await throwsOrRejects(() => ex.map(double, 42 as never).next(), badArg(TypeError, /iterable/), "items 42");
      assert.deepEqual(await drain(ex.map(double, [1, 2])), [2, 4], "the executor still works");
    }));
}
