// Type tests for streaming tasks (issue 17): stream/streamWith infer the yielded type Y and
// the return type R from the task, as submit infers R.
import { AsyncPoolExecutor, WorkerPoolExecutor, taskModule, wait, type Future, type TaskStream } from "@concurrent/futures";
import { type Equal, expectTrue } from "./expect.js";

const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
const io = new AsyncPoolExecutor();
const tasks = taskModule<typeof import("./stream-tasks.js")>(new URL("./stream-tasks.js", import.meta.url));

// A generator function: Y from its yields, R from its return.
const gen = pool.stream(function* (n: number) {
  for (let i = 0; i < n; i++) yield i;
  return "end" as const;
}, 3);
expectTrue<Equal<typeof gen, TaskStream<number, "end">>>();
expectTrue<Equal<typeof gen.future, Future<"end">>>();

// An async generator function, on either executor.
const agen = io.stream(async function* (url: string) {
  yield { url, status: 200 };
}, "https://example.com");
expectTrue<Equal<typeof agen, TaskStream<{ url: string; status: number }, void>>>();

// A function returning an iterable: R is undefined.
const arr = pool.streamWith({ highWaterMark: 4 }, (n: number) => [n, n + 1], 1);
expectTrue<Equal<typeof arr, TaskStream<number, undefined>>>();
const later = io.stream(async (s: string) => s.split(""), "ab");
expectTrue<Equal<typeof later, TaskStream<string, undefined>>>();

// Module tasks.
const nums = pool.stream(tasks.numbers, 5);
expectTrue<Equal<typeof nums, TaskStream<number, string>>>();
const recs = pool.stream(tasks.lines, "/tmp/x");
expectTrue<Equal<typeof recs, TaskStream<{ path: string; line: string }, number>>>();
const chars = pool.stream(tasks.letters, "abc");
expectTrue<Equal<typeof chars, TaskStream<string, undefined>>>();

// for await gives Y; the future works with wait.
async function consume(): Promise<void> {
  for await (const n of nums) expectTrue<Equal<typeof n, number>>();
  await wait([nums.future, recs.future]);
}
void consume;

// Wrong uses are compile errors.
// @ts-expect-error a task that returns a number is not a stream
pool.stream((n: number) => n * 2, 1);
// @ts-expect-error a string where the generator takes a number
pool.stream(tasks.numbers, "5");
// @ts-expect-error highWaterMark is a number
pool.streamWith({ highWaterMark: "16" }, tasks.numbers, 5);
