import { adapter } from "@concurrent/bun";
import { testAdapter } from "@concurrent/conformance/adapter";

testAdapter({
  adapter,
  fixture: new URL("./fixtures/worker.js", import.meta.url),
  child: new URL("./fixtures/child.js", import.meta.url),
  exits: { processExit: true, denoExit: false, selfClose: true },
  oom: { skip: "Bun has no per-worker heap limit: a worker allocates until the machine runs out" },
});
