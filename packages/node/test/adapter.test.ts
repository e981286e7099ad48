import { adapter } from "@concurrent/node";
import { testAdapter } from "@concurrent/conformance/adapter";

testAdapter({
  adapter,
  fixture: new URL("./fixtures/worker.js", import.meta.url),
  child: new URL("./fixtures/child.js", import.meta.url),
  exits: { processExit: true, denoExit: false, selfClose: false },
  oom: "worker",
});
