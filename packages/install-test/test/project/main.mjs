// The one program the install test runs on Node, Bun and Deno, from a project that has
// nothing but the installed tarballs. It prints one JSON line that the test compares.
import { AsyncPoolExecutor, WorkerPoolExecutor, adapter, asCompleted, taskModule, wait, FIRST_COMPLETED } from "@concurrent/futures";

const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
const tasks = taskModule(new URL("./tasks.mjs", import.meta.url));
const out = { runtime, adapter: adapter.name };

// CPU-bound: a pool of workers. (`await using` needs TypeScript or a newer runtime than Node 20.)
const pool = new WorkerPoolExecutor({ maxWorkers: 2 });
try {
  out.functionTask = await pool.submit((n) => n * n, 7);
  out.moduleTask = await pool.submit(tasks.fib, 20);
  out.moduleTaskAsync = await pool.submit(tasks.label, 4);
  out.map = [];
  for await (const r of pool.map(tasks.fib, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { chunksize: 3 })) out.map.push(r);
  const fs = [pool.submit(tasks.fib, 10), pool.submit((s) => s.toUpperCase(), "ab"), pool.submit(tasks.label, 1)];
  const seen = [];
  for await (const f of asCompleted(fs)) seen.push(await f.result());
  out.asCompleted = seen.map(String).sort();
  try {
    await pool.submit(() => {
      throw Object.assign(new RangeError("bad"), { code: "E_BAD" });
    });
  } catch (e) {
    out.workerError = `${e.name}:${e.code}`;
  }
} finally {
  await pool.shutdown();
}

// IO-bound: async functions on this event loop. Each call waits for a gate that this
// program opens in a chosen order, so the completion order is known without timing.
const io = new AsyncPoolExecutor({ maxWorkers: 3 });
try {
  const gates = new Map();
  const gate = (key) => new Promise((resolve) => gates.set(key, resolve));
  out.ioMap = [];
  for await (const r of io.map(async (n) => n + 1, [1, 2, 3])) out.ioMap.push(r);
  const fs = ["a", "b", "c"].map((key) => io.submit(async (k) => `${k}:${await gate(k)}`, key));
  await new Promise((r) => setTimeout(r, 0));
  const order = ["c", "a", "b"];
  const done = await wait(fs, { timeout: 0 });
  out.waitBefore = done.notDone.size;
  for (const key of order) gates.get(key)(key.charCodeAt(0));
  out.ioAsCompleted = [];
  for await (const f of asCompleted(fs)) out.ioAsCompleted.push(await f);
  const first = await wait(fs, { returnWhen: FIRST_COMPLETED });
  out.waitAfter = first.done.size;
} finally {
  await io.shutdown();
}

console.log(JSON.stringify(out));
// No explicit exit: the test also checks that nothing keeps the process alive.
