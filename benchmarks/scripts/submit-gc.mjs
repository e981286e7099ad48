#!/usr/bin/env node
// Tiny-submit batches and the garbage collector, per peer: 40 batches of 20,000 `x => x * x`
// submits on 2 warm workers in this process, then the batch times (ms) in order and the
// median of batches 11–40. Run it under --trace-gc to see each isolate's scavenges:
//
//   node --trace-gc benchmarks/scripts/submit-gc.mjs ours        (also: raw, raw-promise)
//
// (after `npm run build` in benchmarks). The peers are the suite's own adapters (src/peers).
const peer = process.argv[2] ?? "ours";
const { default: make } = await import(new URL(`../dist/peers/${peer}.js`, import.meta.url).href);
const adapter = make();
await adapter.start({ workers: 2, cpus: 2 });
const times = [];
for (let i = 0; i < 40; i++) {
  const t0 = performance.now();
  await adapter.tinySubmit(20_000);
  times.push(performance.now() - t0);
}
const steady = times.slice(10).sort((a, b) => a - b);
console.log(`${peer} ${process.version}: median of batches 11-40 ${steady[steady.length >> 1].toFixed(1)} ms; batches: ${times.map((t) => t.toFixed(0)).join(" ")}`);
await adapter.close();
