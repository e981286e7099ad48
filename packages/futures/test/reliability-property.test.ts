// Every future settles (issue 7, promise 1): random programs of submit, map, cancel, abort,
// per-task timeouts, worker crashes, shutdown (wait / cancelFutures) and terminateWorkers,
// run with fast-check against both executors. After each program the executor is shut
// down and every future it created must be done (finished or cancelled), its done
// callbacks must have run exactly once, and stats() must count exactly what happened.
//
// CI runs a fixed seed and few runs. To hunt with many more seeds:
//   cd packages/futures && npx tsc -p test/tsconfig.json
//   FC_RUNS=500 FC_SEED=$RANDOM node --test dist-test/reliability-property.test.js
//   (or bun test / deno test -A with the same variables; a failure prints its seed and
//   path, which FC_SEED reproduces)
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AsyncPoolExecutor, WorkerPoolExecutor, type Executor, type Future } from "@concurrent/futures";
import { outcome } from "./helpers/pool.js";
import { currentRuntime } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();

const seed = Number(process.env["FC_SEED"] ?? 42);
const runs = (fallback: number) => Number(process.env["FC_RUNS"] ?? fallback);

type Kind = "ok" | "throw" | "sleep" | "crash";
type Op =
  | { op: "submit"; kind: Kind; n: number }
  | { op: "long"; n: number; timeout: number | undefined }
  | { op: "map"; kinds: Kind[]; chunksize: number; buffersize: number | undefined; take: number }
  | { op: "cancel"; i: number }
  | { op: "abort"; i: number }
  | { op: "tick"; ms: number }
  | { op: "shutdown"; wait: boolean; cancelFutures: boolean }
  | { op: "terminate" };

const kindArb = fc.constantFrom<Kind>("ok", "ok", "throw", "sleep", "crash");
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("submit" as const), kind: kindArb, n: fc.nat(1000) }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant("long" as const), n: fc.nat(1000), timeout: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("map" as const),
      kinds: fc.array(kindArb, { maxLength: 10 }),
      chunksize: fc.integer({ min: 1, max: 4 }),
      buffersize: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      take: fc.nat(12),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant("cancel" as const), i: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("abort" as const), i: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 5 }) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("shutdown" as const), wait: fc.boolean(), cancelFutures: fc.boolean() }), weight: 1 },
  { arbitrary: fc.constant({ op: "terminate" as const }), weight: 1 },
);
const programArb = fc.record({ maxWorkers: fc.integer({ min: 1, max: 3 }), ops: fc.array(opArb, { minLength: 1, maxLength: 25 }) });

// The one task every program runs (self-contained: it is sent to workers by source).
// "crash" ends the worker; it is only ever sent to a worker pool.
const work = async (spec: [string, number]): Promise<number> => {
  const [kind, n] = spec;
  if (kind === "sleep") await new Promise((resolve) => setTimeout(resolve, n % 4));
  if (kind === "long") await new Promise((resolve) => setTimeout(resolve, 10 + (n % 20)));
  if (kind === "throw") throw Object.assign(new Error("on purpose"), { code: "E_TASK" });
  if (kind === "crash") process.exit(1);
  return n * 2;
};

/** Wraps an executor so that every future it creates (submit, submitWith, map's own) is recorded with a callback counter. */
function track(ex: Executor) {
  const futures: Future<unknown>[] = [];
  const callbacks = new Map<Future<unknown>, number>();
  const add = <F extends Future<unknown>>(f: F): F => {
    if (!callbacks.has(f)) {
      callbacks.set(f, 0);
      futures.push(f);
      f.addDoneCallback(() => callbacks.set(f, callbacks.get(f)! + 1));
    }
    return f;
  };
  const raw = ex as unknown as Record<string, (...args: unknown[]) => Future<unknown>>;
  for (const name of ["submit", "submitWith", "_submitChunk"]) {
    const original = raw[name]!.bind(ex);
    raw[name] = (...args: unknown[]) => add(original(...args));
  }
  return { futures, callbacks };
}

async function runProgram(kind: "worker" | "async", program: { maxWorkers: number; ops: Op[] }): Promise<void> {
  const ex: Executor = kind === "worker" ? new WorkerPoolExecutor({ maxWorkers: program.maxWorkers }) : new AsyncPoolExecutor({ maxWorkers: program.maxWorkers });
  const { futures, callbacks } = track(ex);
  const aborts: AbortController[] = [];
  let closed = false;
  // An AsyncPoolExecutor runs tasks in this thread: a crash there is an ordinary throw.
  const spec = (k: Kind | "long", n: number): [string, number] => [kind === "async" && k === "crash" ? "throw" : k, n];
  try {
    for (const step of program.ops) {
      switch (step.op) {
        case "submit":
        case "long": {
          const call = () => {
            if (step.op === "submit") return ex.submit(work, spec(step.kind, step.n));
            const controller = new AbortController();
            aborts.push(controller);
            return ex.submitWith(step.timeout === undefined ? { signal: controller.signal } : { signal: controller.signal, timeout: step.timeout }, work, spec("long", step.n));
          };
          if (closed) assert.throws(call, { code: "ERR_SHUTDOWN" }, "submit after shutdown throws synchronously");
          else call();
          break;
        }
        case "map": {
          let it: AsyncIterableIterator<number>;
          try {
            it = ex.map(work, step.kinds.map((k, i) => spec(k, i)), step.buffersize === undefined ? { chunksize: step.chunksize } : { chunksize: step.chunksize, buffersize: step.buffersize });
          } catch (error) {
            // After shutdown, map throws at the call, as Python's does.
            assert.ok(closed, `map threw before shutdown: ${String(error)}`);
            assert.equal((error as { code?: string }).code, "ERR_SHUTDOWN");
            break;
          }
          for (let i = 0; i < step.take; i++) {
            const r = await outcome(it.next());
            if (!r.ok || r.value.done) break; // the iterator is closed after an error
          }
          await it.return!();
          break;
        }
        case "cancel":
          if (futures.length) futures[step.i % futures.length]!.cancel();
          break;
        case "abort":
          if (aborts.length) aborts[step.i % aborts.length]!.abort(Object.assign(new Error("aborted"), { code: "E_ABORT" }));
          break;
        case "tick":
          await new Promise((resolve) => setTimeout(resolve, step.ms));
          break;
        case "shutdown": {
          closed = true;
          const done = ex.shutdown({ wait: step.wait, cancelFutures: step.cancelFutures });
          if (step.wait) assert.deepEqual(await outcome(done), { ok: true, value: undefined }, "shutdown settles");
          break;
        }
        case "terminate":
          closed = true;
          if (ex instanceof WorkerPoolExecutor) assert.equal((await outcome(ex.terminateWorkers())).ok, true);
          else await outcome(ex.shutdown({ cancelFutures: true }));
          break;
      }
    }
    // Finally: shutdown() must settle, and then every future is done.
    assert.deepEqual(await outcome(ex.shutdown()), { ok: true, value: undefined }, "the final shutdown settles");
    let ok = 0;
    let failed = 0;
    let cancelled = 0;
    for (const f of futures) {
      assert.ok(f.done(), `a future is ${f.state} after shutdown`);
      assert.ok(f.state === "finished" || f.state === "cancelled");
      assert.equal(callbacks.get(f), 1, "its done callbacks ran exactly once");
      let late = 0;
      f.addDoneCallback(() => late++);
      assert.equal(late, 1, "a callback added when done runs at once, once");
      if (f.cancelled()) cancelled++;
      else if ((await f.exception()) === undefined) ok++;
      else failed++;
    }
    // Nothing runs on after shutdown: give stray results a moment, then count.
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const f of futures) assert.equal(callbacks.get(f), 1, "no callback ran twice");
    const s = ex.stats();
    assert.equal(s.inFlight, 0, "stats: nothing in flight");
    assert.equal(s.queued, 0, "stats: nothing queued");
    assert.deepEqual({ completed: s.completed, failed: s.failed, cancelled: s.cancelled }, { completed: ok, failed, cancelled }, "stats count every future once");
    if (ex instanceof WorkerPoolExecutor) assert.equal(ex.stats().workers, 0, "no worker left");
  } finally {
    if (ex instanceof WorkerPoolExecutor) await ex.terminateWorkers();
    else await ex.shutdown({ cancelFutures: true });
  }
}

test(`property (${runtime}): AsyncPoolExecutor — every future settles exactly once, stats add up`, async () => {
  await fc.assert(
    fc.asyncProperty(programArb, (program) => runProgram("async", program)),
    { seed, numRuns: runs(60) },
  );
});

test(`property (${runtime}): WorkerPoolExecutor — every future settles exactly once, stats add up (crashes, aborts, terminateWorkers)`, async () => {
  await fc.assert(
    fc.asyncProperty(programArb, (program) => runProgram("worker", program)),
    // Each run starts fresh workers; Deno's take longest to start, so fewer runs there in CI.
    { seed, numRuns: runs(runtime === "deno" ? 10 : 20) },
  );
});
