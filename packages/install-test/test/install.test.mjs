// The install test starts every runtime itself (Node 20, Node 24, Bun, Deno) as child
// processes, so it needs one host: `concurrent-test-runtimes --only node` runs this file
// under the machine's Node alone.
import "./suite.mjs";
import "./bundles.mjs";
