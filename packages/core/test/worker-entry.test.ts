// workerEntry: where an adapter's workers start — its worker module while the package's
// files are where npm put them, the embedded copy once the program was bundled or compiled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { shortenEmbeddedUrls, workerEntry, type WorkerEntrySource } from "@concurrent/core";

const file = new URL("file:///app/node_modules/@concurrent/node/dist/worker.js");
const ours = 'import { runWorker } from "@concurrent/core/worker";\nrunWorker(createPort());';

function source(files: Record<string, string>, embedded = "export const ok = 'é';"): WorkerEntrySource {
  return { file, packageName: "@concurrent/node", embedded, readText: (url) => files[url.href] };
}

test("workerEntry: the worker module beside the adapter while it is there and imports core's runner", () => {
  assert.equal(workerEntry(source({ [file.href]: ours })), file);
});

test("workerEntry: the embedded module, as a data: URL that decodes to it (UTF-8), when the worker module beside the bundle is missing or not ours", async () => {
  for (const files of [{}, { [file.href]: "// the user's own worker.js beside their bundle\npostMessage(1);" }]) {
    const url = workerEntry(source(files));
    assert.equal(url.protocol, "data:");
    const text = new TextDecoder().decode(await (await fetch(url)).arrayBuffer());
    assert.equal(text, "export const ok = 'é';");
  }
});

test("workerEntry: a worker module that is not a file: URL (JSR over https) is used as is", () => {
  const remote = new URL("https://jsr.io/@concurrent/node/0.1.0/src/worker.ts");
  assert.equal(workerEntry({ ...source({}), file: remote }), remote);
});

test("workerEntry: without an embedded copy, the error says what to do", () => {
  assert.throws(() => workerEntry(source({}, "")), /@concurrent\/node: the worker module .* is not there .*install @concurrent\/node from npm, or keep it out of the bundle/);
});

test("shortenEmbeddedUrls: the embedded worker's data: URL in a stack or message becomes a name (Node/Bun print it whole, Deno with '......')", () => {
  const url = workerEntry(source({})).href;
  const stack = `Error: boom\n    at k (${url}:4:2972)\n    at file:///${url}:1:5\n    at t (data:text/javascript;base64,aW1wb3J0......dyB5dCk7:4:3278)`;
  assert.equal(
    shortenEmbeddedUrls(stack),
    "Error: boom\n    at k (embedded-worker.js:4:2972)\n    at file:///embedded-worker.js:1:5\n    at t (embedded-worker.js:4:3278)",
  );
  assert.equal(shortenEmbeddedUrls("at f (file:///app/main.js:1:2)"), "at f (file:///app/main.js:1:2)");
});
