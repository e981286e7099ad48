// A web service whose downstream sometimes hangs: each call gets 200 ms of run time; a call
// past it is aborted, the task hears it through currentSignal(), cleans up and returns, and
// its slot is free for the next call. Run: node cancellation.mjs | bun cancellation.mjs |
// deno run -A cancellation.mjs
import { createServer } from "node:http";
import { AsyncPoolExecutor, currentSignal } from "@concurrent/futures";

// The downstream: answers at once, except /slow, which never answers.
const server = createServer((req, res) => {
  if (req.url !== "/slow") res.end(`data for ${req.url}`);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const downstream = `http://127.0.0.1:${server.address().port}`;
await (await fetch(`${downstream}/warm-up`)).text(); // Node loads fetch on first use

let openRequests = 0;
async function fetchReport(path) {
  openRequests++;
  try {
    // currentSignal() aborts when this call's timeout runs out: fetch gives up, and so do we.
    const response = await fetch(downstream + path, { signal: currentSignal() });
    return await response.text();
  } finally {
    openRequests--; // the cleanup: close files, release connections, ...
  }
}

const ex = new AsyncPoolExecutor({ maxWorkers: 2 });
const t0 = performance.now();
const paths = ["/a", "/slow", "/b", "/slow", "/c", "/d"];
const futures = paths.map((path) => ex.submitWith({ timeout: 200 }, fetchReport, path));
for (const [i, f] of futures.entries()) {
  const outcome = await f.then((text) => text, (error) => `${error.name} (${error.message})`);
  console.log(`${paths[i].padEnd(6)} ${outcome}`);
}
await ex.shutdown();
const { completed, failed, inFlight } = ex.stats();
console.log(`done in ${(performance.now() - t0).toFixed(0)} ms: ${completed} completed, ${failed} timed out, ${inFlight} in flight, ${openRequests} requests still open`);
server.closeAllConnections?.();
server.close();
