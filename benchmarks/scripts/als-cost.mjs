#!/usr/bin/env node
// What running each call in its own async context costs, per runtime. Once a process uses
// cancellation (its first `currentSignal()` or async-pool `submitWith`, or a task whose source
// names `currentSignal`), the async pool runs every call inside `AsyncLocalStorage.run`, so
// that `currentSignal()` still finds the call after an `await`; until then it does not
// (core/src/context.ts), and the async-trivial benchmark never turns it on. This times batches of 20,000 trivial async calls
// (`Promise.all` over them) in three blocks — made directly, made inside `als.run(...)`,
// made directly again — each 20 warm-up batches and the median of 21 timed ones (blocks,
// not turns: in turns each batch also collects the other's garbage):
//
//   node benchmarks/scripts/als-cost.mjs
//   node_modules/.bin/bun benchmarks/scripts/als-cost.mjs
//   node_modules/.bin/deno run -A benchmarks/scripts/als-cost.mjs
//
// On Node 20 the first `run` also switches on async_hooks' promise hooks for the whole
// process, so from then on the direct calls pay too: the third block shows it.
import { AsyncLocalStorage } from "node:async_hooks";

const N = 20_000;
const als = new AsyncLocalStorage();
const fn = async (x) => x * x;

async function batch(inContext) {
  const pending = new Array(N);
  for (let i = 0; i < N; i++) pending[i] = inContext ? als.run(i, fn, i) : fn(i);
  await Promise.all(pending);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function block(inContext) {
  for (let i = 0; i < 20; i++) await batch(inContext);
  const times = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await batch(inContext);
    times.push(performance.now() - t0);
  }
  return median(times);
}
const direct = await block(false);
const inRun = await block(true);
const after = await block(false);
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.versions.node}`;
const perCall = ((inRun - direct) * 1e6) / N;
console.log(`${runtime}, ms per ${N} calls: direct ${direct.toFixed(2)}, inside als.run ${inRun.toFixed(2)} (${perCall.toFixed(0)} ns more per call), direct again ${after.toFixed(2)}`);
