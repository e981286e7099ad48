// The loopback HTTP servers of the IO suites, run as their own process (always on Node) so
// that serving requests costs the measured client nothing, on every runtime alike.
//
//   GET  /sleep?ms=5        answers "ok" after 5 ms (the fixed-latency server)
//   GET  /work              the degrading server: latency by the in-flight count (degrading.ts)
//   POST /capacity?c=4      changes the degrading server's capacity C at run time
//   GET  /stats             {"inFlight","served","capacity"}
//
// Prints {"port":N} on stdout once listening; exits when stdin closes (its parent is gone).
import { createServer } from "node:http";
import { degradedLatency, type DegradingModel } from "../workloads/degrading.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const model: DegradingModel = { capacity: arg("capacity", 16), baseMs: arg("base", 10), stallMs: arg("stall", 2000) };
let inFlight = 0;
let served = 0;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const answer = (body: string, delay: number, counted: boolean) => {
    setTimeout(() => {
      if (counted) inFlight--;
      served++;
      res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
      res.end(body);
    }, delay);
  };
  switch (url.pathname) {
    case "/sleep":
      answer("ok", Number(url.searchParams.get("ms") ?? 0), false);
      return;
    case "/work":
      inFlight++;
      answer("ok", degradedLatency(model, inFlight), true);
      return;
    case "/capacity":
      model.capacity = Math.max(1, Number(url.searchParams.get("c")));
      answer(String(model.capacity), 0, false);
      return;
    case "/stats":
      answer(JSON.stringify({ inFlight, served, capacity: model.capacity }), 0, false);
      return;
    default:
      res.writeHead(404).end();
  }
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }) + "\n");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
