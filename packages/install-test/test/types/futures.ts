// Type tests against the INSTALLED @concurrent/futures .d.ts (no paths, no workspace links).
import {
  AsyncPoolExecutor,
  WorkerPoolExecutor,
  asCompleted,
  wait,
  taskModule,
  Future,
  Executor,
  CancelledError,
  FIRST_COMPLETED,
  type FutureState,
  type ModuleTask,
  type ExecutorStats,
} from "@concurrent/futures";
import { type Equal, expectTrue } from "./expect.js";

const pool = new WorkerPoolExecutor({ maxWorkers: 2 });
const io = new AsyncPoolExecutor({ maxWorkers: "auto" });
const tasks = taskModule<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url));

// submit infers Future<R> from a function ...
const square = pool.submit((n: number) => n * n, 7);
expectTrue<Equal<typeof square, Future<number>>>();
const asyncLength = pool.submit(async (s: string) => s.length, "abc");
expectTrue<Equal<typeof asyncLength, Future<number>>>();
const closure = io.submit(async (url: string) => ({ url, status: 200 }), "https://example.com");
expectTrue<Equal<typeof closure, Future<{ url: string; status: number }>>>();

// ... and from a module export
expectTrue<Equal<typeof tasks.fib, ModuleTask<[n: number], number>>>();
const fib = pool.submit(tasks.fib, 30);
expectTrue<Equal<typeof fib, Future<number>>>();
const label = pool.submit(tasks.label, 1);
expectTrue<Equal<typeof label, Future<string>>>();
const labelled = pool.submit(tasks.label, 1, "y");
expectTrue<Equal<typeof labelled, Future<string>>>();
const pair = pool.submit(tasks.pair, "a", { n: 1 });
expectTrue<Equal<typeof pair, Future<[string, number]>>>();

// Wrong arguments are compile errors.
// @ts-expect-error a string where the function takes a number
pool.submit((n: number) => n * n, "7");
// @ts-expect-error an argument missing
pool.submit((n: number) => n * n);
// @ts-expect-error one argument too many
pool.submit((n: number) => n * n, 1, 2);
// @ts-expect-error a string where the module export takes a number
pool.submit(tasks.fib, "30");
// @ts-expect-error a wrongly shaped object argument
pool.submit(tasks.pair, "a", { n: "1" });
// @ts-expect-error no such export
void tasks.fibonacci;
// @ts-expect-error an export that is not a function is no task
pool.submit(tasks.VERSION);
// @ts-expect-error an option of the wrong type
new WorkerPoolExecutor({ maxWorkers: "many" });

export async function results(): Promise<void> {
  // A Future is awaitable; its value has the task's result type.
  const n: number = await square;
  const m: number = await square.result(100);
  const s: string = await label;
  void [n, m, s];
  // @ts-expect-error a number is not a string
  const wrong: string = await fib;
  // @ts-expect-error no string methods on a number result
  (await fib).toUpperCase();
  // @ts-expect-error the result of a module task is not a number here
  const wrongLabel: number = await label.result();
  void [wrong, wrongLabel];

  const state: FutureState = square.state;
  expectTrue<Equal<typeof state, "pending" | "running" | "cancelled" | "finished">>();
  expectTrue<Equal<ReturnType<typeof square.cancel>, boolean>>();
  square.addDoneCallback((f) => expectTrue<Equal<typeof f, Future<number>>>());
  const error: unknown = await square.exception();
  if (error instanceof CancelledError) expectTrue<Equal<typeof error.code, string>>();

  // map yields R, in input order.
  for await (const r of pool.map((x: number) => String(x), [1, 2, 3], { chunksize: 2 })) {
    expectTrue<Equal<typeof r, string>>();
  }
  for await (const r of pool.map(tasks.fib, [1, 2, 3])) expectTrue<Equal<typeof r, number>>();
  for await (const r of io.map(async (x: number) => [x], [1, 2, 3], { timeout: 1000, buffersize: 2 })) {
    expectTrue<Equal<typeof r, number[]>>();
  }
  async function* numbers(): AsyncGenerator<number> {
    yield 1;
  }
  for await (const r of pool.map(tasks.label, numbers())) expectTrue<Equal<typeof r, string>>();
  // @ts-expect-error items that the function does not take
  pool.map(tasks.fib, ["a", "b"]);
  // @ts-expect-error map calls a one-argument function
  pool.map(tasks.pair, ["a"]);

  // asCompleted and wait take futures of mixed result types; for await keeps each f's own
  // type (a Future is thenable, so an AsyncIterableIterator<Future<T>> would give T). Looped
  // over more than once: TypeScript caches a type's for-await element type after the first loop.
  const mixed = [square, label, pair];
  type Mixed = Future<number> | Future<string> | Future<[string, number]>;
  for await (const f of asCompleted(mixed)) {
    expectTrue<Equal<typeof f, Mixed>>();
    const v = await f;
    expectTrue<Equal<typeof v, number | string | [string, number]>>();
  }
  for await (const f of asCompleted(mixed, { timeout: 1000 })) expectTrue<Equal<typeof f, Mixed>>();
  for await (const f of asCompleted([fib, square])) {
    expectTrue<Equal<typeof f, Future<number>>>();
    expectTrue<Equal<Awaited<typeof f>, number>>();
  }
  for await (const f of asCompleted([fib, square])) expectTrue<Equal<typeof f, Future<number>>>();
  for await (const f of asCompleted(new Set([label]))) expectTrue<Equal<typeof f, Future<string>>>();
  const it = asCompleted(mixed);
  const step = await it.next();
  if (!step.done) expectTrue<Equal<typeof step.value, Mixed>>();

  const { done, notDone } = await wait(mixed, { timeout: 10, returnWhen: FIRST_COMPLETED });
  expectTrue<Equal<typeof done, Set<Mixed>>>();
  expectTrue<Equal<typeof notDone, Set<Mixed>>>();
  // @ts-expect-error returnWhen takes one of the three constants
  await wait(mixed, { returnWhen: "SOMETIMES" });
  // @ts-expect-error asCompleted takes futures, not values
  asCompleted([1, 2]);
  // @ts-expect-error wait takes futures, not promises
  await wait([Promise.resolve(1)]);

  // Every executor is an Executor, and `await using` shuts it down.
  {
    await using scoped = new WorkerPoolExecutor();
    const e: Executor = scoped;
    const stats: ExecutorStats = e.stats();
    expectTrue<Equal<typeof stats.limit, number>>();
  }
  await pool.shutdown({ wait: true, cancelFutures: false });
  // @ts-expect-error shutdown options are named as in the contract
  await io.shutdown({ cancel_futures: true });
}
