// The install test starts every runtime itself (Node 20, Node 24, Bun, Deno) as child
// processes, so it needs one host. `concurrent-test-runtimes --only node` starts this file
// under each Node it has (the machine's and Node 24); the second run would repeat the first.
import { test } from "node:test";

const host = process.env.CONCURRENT_TEST_RUNTIME_NAME;
if (host !== undefined && host !== "node") {
  test(`install test under ${host}`, { skip: "it runs once, under the machine's Node, and starts every runtime itself" }, () => {});
} else {
  await import("./suite.mjs");
}
