import { adapter } from "../src/index.js";
import { testAdapter } from "./conformance/suite.js";

testAdapter({
  adapter,
  fixture: new URL("./fixtures/worker.js", import.meta.url),
  child: new URL("./fixtures/child.js", import.meta.url),
  exits: { processExit: true, denoExit: false, selfClose: false },
  oom: "worker",
});
