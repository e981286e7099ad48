const url = new URL("./dist/entries/peer-workers/raw-stream.js", import.meta.url);
const w = new Worker(url, { type: "module" });
let handler;
w.onmessage = (e) => handler(e.data);
const run = (count) => new Promise((resolve) => { let got = 0, sum = 0; handler = (d) => { sum += d; if (++got === count) resolve(sum); }; w.postMessage(count); });
const out = [];
for (let k = 0; k < 10; k++) { const n = k === 0 ? 20000 : 100000; const t0 = performance.now(); await run(n); out.push(`${n / 1000}k:${(performance.now() - t0).toFixed(1)}`); }
console.log(out.join(" "));
w.terminate();
