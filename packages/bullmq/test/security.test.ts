// Who may run code on the workers: signed jobs, allowFunctions, module prefixes, and
// Redis authentication (user:password URLs, rediss:// TLS).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UntrustedTaskError, taskModule } from "@concurrent/futures";
import { QueueExecutor, QueueWorker } from "@concurrent/bullmq";
import { startRedis, freePort } from "@concurrent/testkit/redis";
import { queueName, redis, stopRedis, tasks, tasksUrl, tempFile, worker } from "./helpers.js";

test("secret: jobs signed with the worker's secret run", async () => {
  const queue = queueName("signed");
  const w = await worker(queue, { secret: "s3cret" });
  const ex = new QueueExecutor({ connection: (await redis()).url, queue, secret: "s3cret" });
  assert.equal(await ex.submit(tasks.square, 3), 9);
  assert.equal(await ex.submit((a: string) => a + "!", "hi"), "hi!");
  const out: number[] = [];
  for await (const v of ex.map(tasks.square, [1, 2, 3], { chunksize: 2 })) out.push(v);
  assert.deepEqual(out, [1, 4, 9]);
  await ex.shutdown();
  await w.close();
});

test("secret: a job from a wrong secret or none never runs and rejects with UntrustedTaskError", async () => {
  const queue = queueName("unsigned");
  const w = await worker(queue, { secret: "right" });
  const { url } = await redis();
  const wrong = new QueueExecutor({ connection: url, queue, secret: "wrong" });
  const none = new QueueExecutor({ connection: url, queue });
  const file = tempFile("ran");
  for (const ex of [wrong, none]) {
    const error = await ex.submit(tasks.mark, file, "should not run").exception();
    assert.ok(error instanceof UntrustedTaskError, String(error));
    assert.equal((error as UntrustedTaskError).code, "ERR_UNTRUSTED_TASK");
    assert.equal((error as Error).name, "UntrustedTaskError");
  }
  // Retries do not apply to a refused job: it fails on the first try.
  const retrying = new QueueExecutor({ connection: url, queue, attempts: 5 });
  assert.ok((await retrying.submit(tasks.mark, file, "nor this").exception()) instanceof UntrustedTaskError);
  assert.equal(existsSync(file), false, "no refused task ran");
  assert.equal(w.counts.refused, 3);
  await Promise.all([wrong.shutdown(), none.shutdown(), retrying.shutdown()]);
  await w.close();
});

test("allowFunctions: false refuses function tasks while module tasks run", async () => {
  const queue = queueName("no-functions");
  const w = await worker(queue, { allowFunctions: false });
  const ex = new QueueExecutor({ connection: (await redis()).url, queue });
  const error = await ex.submit((n: number) => n + 1, 1).exception();
  assert.ok(error instanceof UntrustedTaskError, String(error));
  assert.match((error as Error).message, /allowFunctions/);
  assert.equal(await ex.submit(tasks.square, 7), 49);
  await ex.shutdown();
  await w.close();
});

test("modules: only module tasks under an allowed URL prefix run", async () => {
  const queue = queueName("modules");
  const dir = new URL("./", tasksUrl).href;
  const w = await worker(queue, { modules: [dir] });
  const ex = new QueueExecutor({ connection: (await redis()).url, queue });
  assert.equal(await ex.submit(tasks.square, 5), 25);
  const other = taskModule<{ f: () => number }>("data:text/javascript,export const f = () => 1");
  const error = await ex.submit(other.f).exception();
  assert.ok(error instanceof UntrustedTaskError, String(error));
  assert.match((error as Error).message, /refused/);
  await ex.shutdown();
  await w.close();
});

// Module tasks that would run code the worker never deployed: each must be refused before
// anything is imported, and the marker file each would write must never appear.
const escapes = (file: string) => {
  const write = `import { writeFileSync } from "node:fs"; export const f = (p) => writeFileSync(p, "ran");`;
  return [
    taskModule<{ f: (p: string) => void }>(`data:text/javascript,${encodeURIComponent(write)}`).f,
    taskModule<{ execSync: (cmd: string) => unknown }>("node:child_process").execSync,
    taskModule<{ execSync: (cmd: string) => unknown }>("child_process").execSync,
  ].map((task) => [task, task.name === "execSync" ? `touch ${JSON.stringify(file)}` : file] as const);
};

test("allowFunctions: false refuses data:, node:child_process and bare builtins: they never run", async () => {
  const queue = queueName("no-functions-modules");
  const w = await worker(queue, { allowFunctions: false });
  const ex = new QueueExecutor({ connection: (await redis()).url, queue });
  const file = tempFile("ran");
  for (const [task, arg] of escapes(file)) {
    const error = await ex.submit(task as never, arg as never).exception();
    assert.ok(error instanceof UntrustedTaskError, `${task.url}: ${String(error)}`);
  }
  assert.equal(existsSync(file), false, "no refused task ran");
  assert.equal(w.counts.refused, 3);
  assert.equal(await ex.submit(tasks.square, 4), 16, "deployed file: modules still run");
  await ex.shutdown();
  await w.close();
});

test("modules: a URL that leaves the prefix (.., %2e%2e, .%2E, backslash, a symlink, a look-alike directory) never runs", async () => {
  const queue = queueName("modules-escape");
  const fixtures = new URL("./", tasksUrl); // …/dist-test/fixtures/
  // The prefix is the fixtures directory; tasks.js one level up is outside it.
  const root = new URL("../", fixtures).href;
  const dir = mkdtempSync(join(tmpdir(), "cf-escape-"));
  const evil = `${fileURLToPath(fixtures).replace(/\/$/, "")}-evil`;
  mkdirSync(evil, { recursive: true });
  writeFileSync(join(evil, "tasks.js"), readFileSync(fileURLToPath(tasksUrl)));
  symlinkSync(join(evil, "tasks.js"), join(dir, "link.js"));
  const w = await worker(queue, { modules: [fixtures.href.replace(/\/$/, ""), pathToFileURL(dir).href] });
  const ex = new QueueExecutor({ connection: (await redis()).url, queue });
  const file = tempFile("ran");
  const urls = [
    `${fixtures.href}../fixtures-evil/tasks.js`,
    `${fixtures.href}%2e%2e/fixtures-evil/tasks.js`,
    `${fixtures.href}.%2E/fixtures-evil/tasks.js`,
    `${fixtures.href}..\\fixtures-evil\\tasks.js`,
    `${root}fixtures-evil/tasks.js`,
    pathToFileURL(join(dir, "link.js")).href, // a symlink inside an allowed directory to a file outside
  ];
  for (const url of urls) {
    const error = await ex.submit(taskModule<typeof import("./fixtures/tasks.js")>(url).mark, file, "escaped").exception();
    assert.ok(error instanceof UntrustedTaskError, `${url}: ${String(error)}`);
  }
  assert.equal(existsSync(file), false, "no refused task ran");
  assert.equal(await ex.submit(tasks.square, 5), 25, "the allowed module still runs");
  await ex.shutdown();
  await w.close();
});

test("auth: a user and password in the URL work; a wrong password fails with a clear error", async () => {
  const server = await startRedis({ args: ["--user", "alice", "on", ">pa:ss@word", "~*", "&*", "+@all", "--user", "default", "off"] });
  const queue = queueName("auth");
  const url = `redis://alice:${encodeURIComponent("pa:ss@word")}@127.0.0.1:${server.port}`;
  const w = new QueueWorker({ connection: url, queue, maxWorkers: 1 });
  await w.ready;
  const ex = new QueueExecutor({ connection: url, queue });
  assert.equal(await ex.submit(tasks.square, 6), 36);
  await ex.shutdown();
  await w.close();
  const bad = new QueueExecutor({ connection: `redis://alice:wrong@127.0.0.1:${server.port}`, queue, connectTimeout: 1000 });
  const error = (await bad.submit(tasks.square, 1).exception()) as Error & { code: string };
  assert.equal(error.code, "ERR_REDIS_CONNECTION");
  assert.match(error.message, /WRONGPASS|invalid username-password/i);
  assert.doesNotMatch(error.message, /wrong@/, "the password is not in the message");
  await bad.shutdown();
  await server.stop();
});

test("rediss://: TLS connections work (a test CA)", async () => {
  const dir = new URL("../test/fixtures/tls/", import.meta.url);
  const path = (name: string) => fileURLToPath(new URL(name, dir));
  const tlsPort = await freePort();
  const server = await startRedis({
    args: ["--tls-port", String(tlsPort), "--tls-cert-file", path("server.pem"), "--tls-key-file", path("server.key"), "--tls-ca-cert-file", path("ca.pem"), "--tls-auth-clients", "no"],
  });
  const connection = { url: `rediss://127.0.0.1:${tlsPort}`, tls: { ca: readFileSync(path("ca.pem"), "utf8") } };
  const queue = queueName("tls");
  const w = new QueueWorker({ connection, queue, maxWorkers: 1 });
  await w.ready;
  const ex = new QueueExecutor({ connection, queue });
  assert.equal(await ex.submit(tasks.square, 11), 121);
  await ex.shutdown();
  await w.close();
  await server.stop();
});

test("cleanup: this file's redis-server stops", async () => {
  await stopRedis();
});
