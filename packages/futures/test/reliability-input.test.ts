// Bad input gets a clear error and breaks nothing (issue 7, promise 4). Errors are checked
// by class and code; message text only where it must name the option or the export.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkerPoolExecutor, taskModule } from "@concurrent/futures";
import { errorOf, outcomes } from "./helpers/pool.js";
import { currentRuntime } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();

const tasksUrl = new URL("./fixtures/tasks.js", import.meta.url);
const tasks = taskModule<typeof import("./fixtures/tasks.js")>(tasksUrl);

function badArg(Class: typeof TypeError | typeof RangeError, names: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof Class, `expected ${Class.name}, got ${String(error)}`);
    assert.match((error as Error).message, names);
    return true;
  };
}

const typeOrRange = (names: RegExp) => (error: unknown): boolean => {
  assert.ok(error instanceof TypeError || error instanceof RangeError, `expected TypeError/RangeError, got ${String(error)}`);
  assert.match((error as Error).message, names);
  return true;
};

async function withPool(body: (pool: WorkerPoolExecutor) => Promise<void>): Promise<void> {
  const pool = new WorkerPoolExecutor({ maxWorkers: 2 });
  try {
    await body(pool);
    // Whatever went wrong above, the pool still works.
    assert.equal(await pool.submit(tasks.square, 11), 121);
  } finally {
    await pool.terminateWorkers();
  }
}

test(`bad input (${runtime}): maxWorkers 0, negative, NaN, fractional or not a number`, () => {
  for (const maxWorkers of [0, -1, NaN, 1.5, Infinity]) {
    assert.throws(() => new WorkerPoolExecutor({ maxWorkers }), badArg(RangeError, /maxWorkers/), `maxWorkers ${maxWorkers}`);
  }
  assert.throws(() => new WorkerPoolExecutor({ maxWorkers: "2" as never }), badArg(TypeError, /maxWorkers/));
});

test(`bad input (${runtime}): other pool options out of range or of the wrong type`, () => {
  assert.throws(() => new WorkerPoolExecutor({ minWorkers: -1 }), badArg(RangeError, /minWorkers/));
  assert.throws(() => new WorkerPoolExecutor({ idleTimeout: -5 }), badArg(RangeError, /idleTimeout/));
  assert.throws(() => new WorkerPoolExecutor({ idleTimeout: NaN }), badArg(RangeError, /idleTimeout/));
  assert.throws(() => new WorkerPoolExecutor({ maxTasksPerWorker: 0 }), badArg(RangeError, /maxTasksPerWorker/));
  assert.throws(() => new WorkerPoolExecutor({ initArgs: "x" as never }), badArg(TypeError, /initArgs/));
  assert.throws(() => new WorkerPoolExecutor({ initializer: 42 as never }), badArg(TypeError, /initializer/));
  assert.throws(() => new WorkerPoolExecutor({ initializer: "x" as never }), badArg(TypeError, /initializer/));
  assert.throws(() => new WorkerPoolExecutor({ maxWorker: 2 } as never), badArg(TypeError, /maxWorker/));
});

test(`bad input (${runtime}): minWorkers above maxWorkers, a name or resourceLimits of the wrong shape are refused up front`, async () => {
  // Was silently clamped: the pool then never kept the workers asked for.
  assert.throws(() => new WorkerPoolExecutor({ minWorkers: 3, maxWorkers: 1 }), badArg(RangeError, /minWorkers/));
  assert.throws(() => new WorkerPoolExecutor({ name: 5 as never }), badArg(TypeError, /name/));
  assert.throws(() => new WorkerPoolExecutor({ resourceLimits: 5 as never }), badArg(TypeError, /resourceLimits/));
  assert.throws(() => new WorkerPoolExecutor({ resourceLimits: [] as never }), badArg(TypeError, /resourceLimits/));
  // Node handed these to V8 and every worker died before it was ready (BrokenExecutorError).
  for (const bad of [-5, 0, NaN, Infinity]) {
    assert.throws(() => new WorkerPoolExecutor({ resourceLimits: { maxOldGenerationSizeMb: bad } }), badArg(RangeError, /resourceLimits\.maxOldGenerationSizeMb/), String(bad));
  }
  assert.throws(() => new WorkerPoolExecutor({ resourceLimits: { stackSizeMb: "4" as never } }), badArg(TypeError, /resourceLimits\.stackSizeMb/));
  assert.throws(() => new WorkerPoolExecutor({ resourceLimits: { maxOldGenMb: 64 } as never }), badArg(TypeError, /maxOldGenMb/));
  // Without maxWorkers, the default rises to minWorkers rather than cutting minWorkers down.
  const pool = new WorkerPoolExecutor({ minWorkers: 3, resourceLimits: { maxOldGenerationSizeMb: 64 }, name: "ok" });
  assert.ok(pool.stats().limit >= 3, `maxWorkers ${pool.stats().limit}`);
  await pool.shutdown();
});

test(`bad input (${runtime}): map chunksize and buffersize out of range, map timeout negative or NaN`, () =>
  withPool(async (pool) => {
    for (const chunksize of [0, -1, 1.5, NaN]) {
      assert.throws(() => pool.map(tasks.square, [1, 2], { chunksize }), typeOrRange(/chunksize/), `chunksize ${chunksize}`);
    }
    for (const buffersize of [0, -1, 2.5, NaN]) {
      assert.throws(() => pool.map(tasks.square, [1, 2], { buffersize }), typeOrRange(/buffersize/), `buffersize ${buffersize}`);
    }
    for (const timeout of [-1, NaN]) {
      assert.throws(() => pool.map(tasks.square, [1, 2], { timeout }), badArg(RangeError, /timeout/), `timeout ${timeout}`);
    }
    assert.throws(() => pool.map(tasks.square, [1], { chunksize: "2" as never }), badArg(TypeError, /chunksize/));
  }));

test(`bad input (${runtime}): submitWith timeout negative or NaN, signal not a signal, transfer not an array`, () =>
  withPool(async (pool) => {
    for (const timeout of [-1, NaN]) {
      assert.throws(() => pool.submitWith({ timeout }, tasks.square, 2), badArg(RangeError, /timeout/), `timeout ${timeout}`);
    }
    assert.throws(() => pool.submitWith({ timeout: "1" as never }, tasks.square, 2), badArg(TypeError, /timeout/));
    assert.throws(() => pool.submitWith({ signal: {} as never }, tasks.square, 2), badArg(TypeError, /signal/));
    assert.throws(() => pool.submitWith({ transfer: new ArrayBuffer(1) as never }, tasks.square, 2), badArg(TypeError, /transfer/));
    assert.equal(pool.stats().queued + pool.stats().inFlight, 0, "nothing was submitted");
  }));

test(`bad input (${runtime}): a task that is neither a function nor a module task is a TypeError at submit`, () =>
  withPool(async (pool) => {
    for (const task of [42, "square", null, undefined, { url: tasksUrl.href, name: "square" }]) {
      assert.throws(() => pool.submit(task as never), TypeError, `submit(${String(task)})`);
    }
    // Functions that cannot travel by source.
    assert.throws(() => pool.submit(Math.max as never, 1, 2), TypeError, "a native function");
    assert.throws(() => pool.submit(((n: number) => n).bind(null) as never, 1), TypeError, "a bound function");
    assert.throws(() => pool.submit(class Task {} as never), TypeError, "a class");
    assert.throws(() => pool.map(42 as never, [1]), TypeError, "map of a non-task");
  }));

test(`bad input (${runtime}): uncloneable arguments and results (functions, symbols, nested) fail only their futures`, () =>
  withPool(async (pool) => {
    const echo = (v: unknown) => v;
    const bad = [() => 1, Symbol("s"), { nested: { fn: () => 1 } }, [Symbol.iterator]];
    const argFutures = bad.map((v) => pool.submit(echo, v));
    const resultFutures = [
      pool.submit(() => () => 1),
      pool.submit(() => Symbol("r")),
      pool.submit(() => ({ nested: [() => 1] })),
    ];
    const good = pool.submit(echo, { fine: [1, "2"] });
    for (const o of await outcomes([...argFutures, ...resultFutures])) {
      assert.ok(!o.ok && o.error instanceof TypeError, JSON.stringify(o));
    }
    assert.deepEqual(await good, { fine: [1, "2"] });
    // A class instance crosses as a plain object: its fields arrive, its methods do not.
    class Point {
      constructor(readonly x: number) {}
      norm(): number {
        return Math.abs(this.x);
      }
    }
    assert.deepEqual(await pool.submit((p: { x: number; norm?: unknown }) => [p.x, typeof p.norm], new Point(-3)), [-3, "undefined"]);
  }));

test(`bad input (${runtime}): a module task whose export does not exist rejects, naming the export`, () =>
  withPool(async (pool) => {
    const missing = (tasks as unknown as Record<string, typeof tasks.square>)["noSuchExport"]!;
    const error = await errorOf(pool.submit(missing, 1));
    assert.ok(error instanceof TypeError, String(error));
    assert.match(error.message, /noSuchExport/);
    assert.equal(await pool.submit(tasks.square, 2), 4, "the module itself still works");
    // A class export is a function, but calling it without new is a TypeError.
    const klass = taskModule<Record<string, (n: number) => number>>(tasksUrl)["CodedError"]!;
    assert.ok((await errorOf(pool.submit(klass, 1))) instanceof TypeError);
  }));

test(`bad input (${runtime}): a module URL that does not load rejects, naming the URL, and the pool carries on`, () =>
  withPool(async (pool) => {
    const url = new URL("./fixtures/does-not-exist.js", import.meta.url);
    const ghost = taskModule<{ run(n: number): number }>(url);
    const errors = await outcomes([pool.submit(ghost.run, 1), pool.submit(ghost.run, 2)]);
    for (const o of errors) {
      assert.ok(!o.ok && o.error instanceof Error, JSON.stringify(o));
      assert.match((o.error as Error).message, /does-not-exist/);
    }
    // A module that throws while it loads.
    const broken = taskModule<{ run(): void }>("data:text/javascript,throw new Error('module body failed')");
    const e = await errorOf(pool.submit(broken.run));
    assert.ok(e instanceof Error);
    assert.match(e.message, /data:text\/javascript/);
    // A relative path would resolve against the worker, not the caller: refused at once.
    assert.throws(() => taskModule("./fixtures/tasks.js"), TypeError);
  }));
