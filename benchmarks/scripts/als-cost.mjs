#!/usr/bin/env node
// What running each call in its own async context costs, per runtime. The async pool runs
// every call inside `AsyncLocalStorage.run` so that `currentSignal()` still finds the call
// after an `await`; p-limit does not. This times batches of 20,000 trivial async calls
// (`Promise.all` over them) made directly and made inside `als.run(...)`, after 20 warm-up
// batches each, median of 21, in turns:
//
//   node benchmarks/scripts/als-cost.mjs
//   node_modules/.bin/bun benchmarks/scripts/als-cost.mjs
//   node_modules/.bin/deno run -A benchmarks/scripts/als-cost.mjs
//
// On Node 20 the first `run` also switches on async_hooks' promise hooks for the whole
// process, so from then on the direct calls pay too: compare the two columns, not the
// direct calls with an earlier process.
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
for (let i = 0; i < 20; i++) {
  await batch(false);
  await batch(true);
}
const direct = [];
const inRun = [];
for (let i = 0; i < 21; i++) {
  let t0 = performance.now();
  await batch(false);
  direct.push(performance.now() - t0);
  t0 = performance.now();
  await batch(true);
  inRun.push(performance.now() - t0);
}
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.versions.node}`;
const perCall = ((median(inRun) - median(direct)) * 1e6) / N;
console.log(`${runtime}: ${N} calls direct ${median(direct).toFixed(2)} ms, inside als.run ${median(inRun).toFixed(2)} ms: ${perCall.toFixed(0)} ns more per call`);
