// The adapter conformance suite, written once and run by each adapter package on its own
// runtime (like unstorage's testDriver): @concurrent/node, @concurrent/bun and
// @concurrent/deno each call testAdapter() from their tests, with their own fixture worker
// (runFixture from ./fixture.js on the adapter's port) and child script (runChild from
// ./child.js with the adapter).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PoolAdapter, SpawnOptions, WorkerHandle } from "@concurrent/core";
import { currentRuntime, runOn, sleep } from "@concurrent/testkit/helpers";
import type { ChildMode } from "./child.js";
import type { Command } from "./fixture.js";

export interface ConformanceOptions {
  adapter: PoolAdapter;
  /** The package's fixture worker: `runFixture()` on the adapter's own port. */
  fixture: URL;
  /** The package's child-process script: `runChild()` with the adapter. */
  child: URL;
  /** The ways out a task has on this runtime, beyond the port's own exit(). */
  exits: { processExit: boolean; denoExit: boolean; selfClose: boolean };
  /**
   * What running out of memory does here: "worker" — the worker dies, given
   * `resourceLimits` (Node); otherwise why it is not tested.
   */
  oom: "worker" | { skip: string };
}

interface Exit {
  code: number;
  error: unknown;
}

const LONG = 20_000;

/** One spawned worker and everything it reported, in order. */
class Recorder {
  readonly messages: unknown[][] = [];
  readonly exits: Exit[] = [];
  readonly handle: WorkerHandle;
  #wake: (() => void)[] = [];

  constructor(adapter: PoolAdapter, url: URL, options: SpawnOptions = {}) {
    this.handle = adapter.spawn(
      url,
      {
        message: (data) => {
          this.messages.push(data as unknown[]);
          this.#notify();
        },
        messageError: (error) => {
          this.messages.push(["messageerror", error]);
          this.#notify();
        },
        exit: (code, error) => {
          this.exits.push({ code, error });
          this.#notify();
        },
      },
      options,
    );
    // Tests wait on the worker, so it holds the process (workers start unref'd).
    this.handle.ref();
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  /** Resolves with `check()`'s first defined value; fails the test after `LONG` ms. */
  until<T>(what: string, check: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.describe()}`)), LONG);
      const poll = (): void => {
        const value = check();
        if (value === undefined) this.#wake.push(poll);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      };
      poll();
    });
  }

  message(kind: string): Promise<unknown[]> {
    return this.until(`a ${kind} message`, () => this.messages.find((m) => m[0] === kind));
  }

  exit(): Promise<Exit> {
    return this.until("exit", () => this.exits[0]);
  }

  post(command: Command, transfer?: Transferable[]): void {
    this.handle.post(command, transfer);
  }

  /** After exit: nothing more arrives, even when poked again. */
  async assertExitedOnce(): Promise<void> {
    await sleep(100);
    this.handle.terminate();
    this.handle.ref();
    this.handle.unref();
    await sleep(100);
    assert.equal(this.exits.length, 1, `exactly one exit, got ${this.describe()}`);
    const after = this.messages.length;
    await sleep(50);
    assert.equal(this.messages.length, after, "no message after exit");
  }

  describe(): string {
    const shown = (value: unknown): string => (value instanceof Error ? `${value.name}: ${value.message}` : String(value));
    return JSON.stringify({
      messages: this.messages.map((m) => m.map((part) => (part instanceof ArrayBuffer ? `ArrayBuffer(${part.byteLength})` : shown(part)))),
      exits: this.exits.map((e) => ({ code: e.code, error: e.error === undefined ? undefined : shown(e.error) })),
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function ready(adapter: PoolAdapter, fixture: URL, options?: SpawnOptions): Promise<Recorder> {
  const worker = new Recorder(adapter, fixture, options);
  await worker.message("ready");
  return worker;
}

/** Runs the child script in a child process of this runtime; resolves with its exit code and stdout. */
async function runChild(script: string, mode: ChildMode): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Generous: this bound only catches a process held open forever.
  const result = await runOn(currentRuntime(), script, [mode]).exited;
  if (result.killed) throw new Error(`child process still running after 30 s; stdout: ${result.stdout} stderr: ${result.stderr}`);
  return result;
}

export function testAdapter(options: ConformanceOptions): void {
  const { adapter, fixture } = options;
  const name = adapter.name;

  test(`${name}: describes itself (name, workerUrl, cpuCount)`, () => {
    assert.equal(typeof name, "string");
    assert.equal(adapter.workerUrl.protocol, "file:");
    assert.match(adapter.workerUrl.pathname, /\/worker\.js$/);
    const cpus = adapter.cpuCount();
    assert.ok(Number.isInteger(cpus) && cpus >= 1, `cpuCount() = ${cpus}`);
  });

  test(`${name}: its worker entry (core's runner on this port) loads and waits for work`, async () => {
    const worker = new Recorder(adapter, adapter.workerUrl, { name: "entry" });
    await sleep(500);
    assert.deepEqual(worker.exits, [], worker.describe());
    worker.handle.terminate();
    await worker.exit();
    await worker.assertExitedOnce();
  });

  test(`${name}: messages round-trip by structured clone`, async () => {
    const worker = await ready(adapter, fixture, { name: "echo" });
    const value = { n: 1.5, s: "ü", big: 10n, date: new Date(0), map: new Map([[1, [2, 3]]]), nested: [{ a: undefined }] };
    worker.post(["echo", value]);
    assert.deepEqual((await worker.message("echo"))[1], value);
    worker.handle.terminate();
    await worker.exit();
  });

  test(`${name}: an idle worker stays alive while it listens`, async () => {
    const worker = await ready(adapter, fixture);
    await sleep(300);
    worker.post(["echo", "still here"]);
    assert.equal((await worker.message("echo"))[1], "still here");
    assert.equal(worker.exits.length, 0);
    worker.handle.terminate();
    await worker.exit();
  });

  test(`${name}: transfer lists move ArrayBuffers both ways`, async () => {
    const worker = await ready(adapter, fixture);
    const buffer = new ArrayBuffer(8);
    worker.post(["transfer", buffer], [buffer]);
    assert.equal(buffer.byteLength, 0, "the sender's buffer is detached");
    assert.equal((await worker.message("received"))[1], 8);
    const reply = (await worker.message("buffer"))[1];
    assert.ok(reply instanceof ArrayBuffer);
    assert.equal(reply.byteLength, 16);
    assert.equal((await worker.message("sent"))[1], 0, "the worker's buffer is detached");
    worker.handle.terminate();
    await worker.exit();
  });

  test(`${name}: the port's exit(3) ends the worker with exit(3), once, without an error`, async () => {
    const worker = await ready(adapter, fixture);
    worker.post(["port.exit", 3]);
    const exit = await worker.exit();
    assert.equal(exit.code, 3);
    assert.equal(exit.error, undefined);
    await worker.assertExitedOnce();
    assert.deepEqual(worker.messages, [["ready"]], "no adapter-private message leaks to the engine");
  });

  test(`${name}: process.exit(3) in a task gives exit(3), once`, { skip: !options.exits.processExit && "no process.exit here" }, async () => {
    const worker = await ready(adapter, fixture);
    worker.post(["process.exit", 3]);
    const exit = await worker.exit();
    assert.equal(exit.code, 3);
    assert.equal(exit.error, undefined);
    await worker.assertExitedOnce();
    assert.deepEqual(worker.messages, [["ready"]]);
  });

  test(`${name}: Deno.exit(3) in a task gives exit(3), once`, { skip: !options.exits.denoExit && "no Deno.exit here" }, async () => {
    const worker = await ready(adapter, fixture);
    worker.post(["Deno.exit", 3]);
    const exit = await worker.exit();
    assert.equal(exit.code, 3);
    assert.equal(exit.error, undefined);
    await worker.assertExitedOnce();
    assert.deepEqual(worker.messages, [["ready"]]);
  });

  test(`${name}: self.close() in a task gives exit(0), once`, { skip: !options.exits.selfClose && "no self.close here" }, async () => {
    const worker = await ready(adapter, fixture);
    worker.post(["close"]);
    const exit = await worker.exit();
    assert.equal(exit.code, 0);
    assert.equal(exit.error, undefined);
    await worker.assertExitedOnce();
    assert.deepEqual(worker.messages, [["ready"]]);
  });

  test(`${name}: an error thrown in a timer reaches onUncaught, then the worker exits(1), once`, async () => {
    const worker = await ready(adapter, fixture);
    worker.post(["throw-in-timer", "boom in a timer"]);
    const exit = await worker.exit();
    assert.deepEqual(worker.messages.at(-1), ["uncaught", "boom in a timer"], worker.describe());
    assert.equal(exit.code, 1);
    await worker.assertExitedOnce();
  });

  test(`${name}: an unhandled rejection reaches onUncaught, then the worker exits(1), once`, async () => {
    const worker = await ready(adapter, fixture);
    worker.post(["reject", "rejected, unhandled"]);
    const exit = await worker.exit();
    assert.deepEqual(worker.messages.at(-1), ["uncaught", "rejected, unhandled"], worker.describe());
    assert.equal(exit.code, 1);
    await worker.assertExitedOnce();
  });

  const oom = options.oom;
  test(`${name}: running out of memory ends only that worker, with an error`, { skip: oom === "worker" ? false : oom.skip }, async () => {
    const worker = await ready(adapter, fixture, { resourceLimits: { maxOldGenerationSizeMb: 32 } });
    worker.post(["oom"]);
    const exit = await worker.exit();
    assert.notEqual(exit.code, 0);
    assert.ok(exit.error instanceof Error, worker.describe());
    await worker.assertExitedOnce();
  });

  test(`${name}: terminate() ends a busy worker with one exit; calling it again is harmless`, async () => {
    const worker = await ready(adapter, fixture);
    worker.post(["busy", 60_000]);
    worker.handle.terminate();
    worker.handle.terminate();
    const exit = await worker.exit();
    assert.equal(typeof exit.code, "number");
    await worker.assertExitedOnce();
  });

  test(`${name}: terminate() right after spawn still gives one exit`, async () => {
    const worker = new Recorder(adapter, fixture);
    worker.handle.terminate();
    await worker.exit();
    await worker.assertExitedOnce();
  });

  test(`${name}: a module that throws while loading gives exit with that error`, async () => {
    const worker = new Recorder(adapter, new URL("./throws.js", import.meta.url));
    const exit = await worker.exit();
    assert.notEqual(exit.code, 0);
    assert.match(errorText(exit.error), /fixture failed to load/);
    await worker.assertExitedOnce();
  });

  test(`${name}: a module that does not exist gives exit with an error`, async () => {
    const worker = new Recorder(adapter, new URL("./no-such-module.js", import.meta.url));
    const exit = await worker.exit();
    assert.notEqual(exit.code, 0);
    assert.ok(exit.error !== undefined, worker.describe());
    await worker.assertExitedOnce();
  });

  test(`${name}: a module with a syntax error gives exit with an error`, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "concurrent-adapter-")), "syntax-error.js");
    writeFileSync(file, "export const broken = ;\n");
    const worker = new Recorder(adapter, pathToFileURL(file));
    const exit = await worker.exit();
    assert.notEqual(exit.code, 0);
    assert.ok(exit.error !== undefined, worker.describe());
    await worker.assertExitedOnce();
  });

  const child = fileURLToPath(options.child);

  test(`${name}: an unref'd idle worker lets its process exit by itself`, async () => {
    const result = await runChild(child, "idle");
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), ["ready"], result.stderr);
  });

  test(`${name}: a ref'd worker with work in flight keeps its process alive until done`, async () => {
    const result = await runChild(child, "busy-ref");
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), ["ready", "done"], result.stderr);
  });

  test(`${name}: an unref'd worker with work in flight does not (the control case)`, async () => {
    const result = await runChild(child, "busy-unref");
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), ["ready"], result.stderr);
  });

  test(`${name}: outside a test runner too, an uncaught error reaches onUncaught and exits(1)`, async () => {
    const result = await runChild(child, "uncaught");
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), ["ready", "uncaught", "exit 1"], result.stderr);
  });
}
