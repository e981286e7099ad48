import { adapter } from "@concurrent/deno";
import { testAdapter } from "@concurrent/conformance/adapter";

testAdapter({
  adapter,
  fixture: new URL("./fixtures/worker.js", import.meta.url),
  child: new URL("./fixtures/child.js", import.meta.url),
  exits: { processExit: true, denoExit: true, selfClose: true },
  oom: { skip: "Deno has no per-worker heap limit, and a worker out of memory aborts the whole process" },
});
