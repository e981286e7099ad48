// currentSignal() after an await is right from the process's first call: executors turn the
// async context on lazily (it costs every call on Node 20), so this must be checked in a
// process of its own, where nothing has used cancellation before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { currentRuntime, lines, runOn } from "@concurrent/testkit/helpers";

const runtime = currentRuntime();
const packageDir = fileURLToPath(new URL("../", import.meta.url));

test(`currentSignal (${runtime}): a plain submit() reads it after awaits on the process's first call`, async () => {
  const child = await runOn(runtime, new URL("./fixtures/first-signal.js", import.meta.url), [], { cwd: packageDir }).exited;
  assert.equal(child.killed, false, `still running at the bound; stderr: ${child.stderr}`);
  assert.equal(child.code, 0, `exit code; stderr: ${child.stderr}`);
  assert.deepEqual(lines(child.stdout), ["after awaits: true false 7"], `stderr: ${child.stderr}`);
});
