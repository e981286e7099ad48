// The two task forms that cross to another isolate: functionSource (a self-contained
// function as source text) and taskModule (typed references to a module's exports).
import { test } from "node:test";
import assert from "node:assert/strict";
import { isModuleTask, taskModule } from "@concurrent/core";
import { capturedVariableError, compileFunction, functionSource, taskDef } from "@concurrent/core/kit";

/** Compile source text in the global scope, as a worker does. */
const revive = compileFunction;

test("tasks: functionSource of arrows and function expressions evaluates to a working function", async () => {
  const cases: [(...args: never[]) => unknown, unknown[], unknown][] = [
    [(n: number) => n * n, [7], 49],
    [(a: number, b: number) => a + b, [2, 3], 5],
    [(x: number) => x + 1, [1], 2],
    [function square(n: number) { return n * n; }, [3], 9],
    [function (n: number) { return -n; }, [3], -3],
    [async (n: number) => n * 2, [4], 8],
    [async function twice(n: number) { return n * 2; }, [5], 10],
  ];
  for (const [fn, args, expected] of cases) {
    const revived = revive(functionSource(fn));
    assert.equal(await (revived as (...a: unknown[]) => unknown)(...args), expected, String(fn));
  }
});

test("tasks: functionSource turns a method into a function expression", async () => {
  const obj = {
    square(n: number) {
      return n * n;
    },
    async half(n: number) {
      return n / 2;
    },
    *count(n: number) {
      for (let i = 0; i < n; i++) yield i;
    },
  };
  assert.equal((revive(functionSource(obj.square)) as (n: number) => number)(6), 36);
  assert.equal(await (revive(functionSource(obj.half)) as (n: number) => Promise<number>)(6), 3);
  assert.deepEqual([...(revive(functionSource(obj.count)) as (n: number) => Iterable<number>)(3)], [0, 1, 2]);
});

test("tasks: a method named async, or after a reserved word, works like any method (was a bare SyntaxError)", async () => {
  const plain = {
    async(x: number) {
      return x + 1;
    },
  };
  const asyncNamedAsync = {
    async async(x: number) {
      return x + 2;
    },
  };
  const other = {
    async *gen(n: number) {
      for (let i = 0; i < n; i++) yield i;
    },
    delete(x: number) {
      return x - 1;
    },
  };
  assert.equal((compileFunction(functionSource(plain.async)) as (x: number) => number)(1), 2);
  assert.equal(await (compileFunction(functionSource(asyncNamedAsync.async)) as (x: number) => Promise<number>)(1), 3);
  const out: number[] = [];
  for await (const v of (compileFunction(functionSource(other.gen)) as (n: number) => AsyncIterable<number>)(3)) out.push(v);
  assert.deepEqual(out, [0, 1, 2]);
  assert.equal((compileFunction(functionSource(other.delete)) as (x: number) => number)(1), 0);
  // An async arrow whose parameter list starts right after `async` stays an arrow.
  const arrow = async(x: number) => x * 3; // prettier-ignore
  assert.equal(await (compileFunction(functionSource(arrow)) as (x: number) => Promise<number>)(2), 6);
});

test("tasks: methods with quoted or computed names, getters and setters are a clear TypeError", () => {
  const key = "computed";
  const obj = {
    "quoted name"() {
      return 1;
    },
    [key]() {
      return 2;
    },
    get value() {
      return 3;
    },
  };
  for (const fn of [obj["quoted name"], obj[key], Object.getOwnPropertyDescriptor(obj, "value")!.get!]) {
    assert.throws(() => functionSource(fn as () => number), (e: unknown) => e instanceof TypeError && /module task/.test(e.message));
  }
});

test("tasks: compileFunction names the code after the task (sourceURL), so stacks say where it came from", () => {
  const square = (n: number) => {
    if (n < 0) throw new RangeError("negative");
    return n * n;
  };
  // (Read once more: Bun's transpiler inlines a const used once, and the arrow then has no name.)
  assert.equal(square.name, "square");
  const compiled = compileFunction(functionSource(square)) as (n: number) => number;
  assert.equal(compiled(3), 9);
  assert.equal(compiled.name, "square", "an arrow keeps its name when sent on again");
  const error = (() => {
    try {
      compiled(-1);
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  assert.match(error?.stack ?? "", /concurrent-task:square/);
  // Sent on again (the queue worker hands it to its pool), it keeps its name.
  assert.match(functionSource(compiled), /^\/\*task:square\*\//);
  assert.throws(() => compileFunction("42"), TypeError);
});

test("tasks: functionSource rejects native and bound functions and classes with a TypeError", () => {
  assert.throws(() => functionSource(Math.max), TypeError);
  assert.throws(() => functionSource(((n: number) => n).bind(null)), TypeError);
  class Foo {}
  assert.throws(() => functionSource(Foo as never), TypeError);
});

test("tasks: taskModule gives frozen, typed references to a module's exports", () => {
  const url = new URL("./some-tasks.js", import.meta.url);
  const tasks = taskModule<{ fib(n: number): number; NAME: string }>(url);
  const fib = tasks.fib;
  assert.equal(fib.url, url.href);
  assert.equal(fib.name, "fib");
  assert.ok(Object.isFrozen(fib));
  assert.equal(isModuleTask(fib), true);
  assert.equal(tasks.fib, fib, "the same reference each time");
  assert.equal(isModuleTask((n: number) => n), false);
  assert.equal(isModuleTask({ url: url.href, name: "fib" }), false);
  assert.equal(isModuleTask(null), false);
  assert.equal(taskModule<{ x(): void }>("some-package").x.url, "some-package");
});

test("tasks: a taskModule is not thenable (so it can be returned from an async function)", async () => {
  const tasks = taskModule<{ fib(n: number): number }>("file:///tasks.js");
  assert.equal((tasks as unknown as { then?: unknown }).then, undefined);
  const same = await (async () => tasks)();
  assert.equal(same, tasks);
});

test("tasks: taskModule rejects a relative path and an empty specifier with a TypeError", () => {
  assert.throws(() => taskModule("./tasks.js"), TypeError);
  assert.throws(() => taskModule("../tasks.js"), (e: unknown) => e instanceof TypeError && /import\.meta\.url/.test(e.message));
  assert.throws(() => taskModule(""), TypeError);
});

test("tasks: capturedVariableError explains a captured variable, and ignores other errors", () => {
  let original: unknown;
  try {
    (0, eval)("someCapturedName_xyz + 1");
  } catch (error) {
    original = error;
  }
  const hint = capturedVariableError(original);
  assert.ok(hint instanceof ReferenceError);
  assert.match(hint.message, /someCapturedName_xyz/);
  assert.equal(hint.cause, original);
  assert.equal(capturedVariableError(new TypeError("x is not a function")), undefined);
  assert.equal(capturedVariableError(new ReferenceError("something else")), undefined);
  assert.equal(capturedVariableError("not an error"), undefined);
});

test("tasks: compileFunction sees globals and its arguments, never the scope the function was written in", () => {
  const local = [41]; // not a constant: Bun's transpiler would inline one
  const fn = compileFunction(functionSource(() => local[0]! + 1));
  assert.throws(() => fn(), ReferenceError, "a captured variable is not defined where the source is compiled");
  assert.equal(compileFunction(functionSource((n: number) => Math.max(n, 2)))(1), 2);
});

test("tasks: compileFunction rejects source that is not a function, or does not parse", () => {
  assert.throws(() => compileFunction("42"), TypeError);
  assert.throws(() => compileFunction("(n) => {"), SyntaxError);
});

test("tasks: an inline function made anew at every call is defined once (by its source), not once per call", () => {
  // `pool.submit((x) => x * x, i)` in a loop passes a new function object each time: the
  // pool must send and compile it once (a definition per call cost a compile per call in
  // the worker and kept every copy there).
  const defs = Array.from({ length: 3 }, () => taskDef((x: number) => x * x));
  assert.notEqual(defs[0], undefined);
  assert.equal(defs[1], defs[0]);
  assert.equal(defs[2], defs[0]);
  // Another source, or the same source under another name, is another task.
  assert.notEqual(taskDef((x: number) => x * x * x).id, defs[0]!.id);
  const named = (x: number) => x * x;
  assert.notEqual(taskDef(named).id, defs[0]!.id);
  assert.equal(taskDef(named).id, taskDef(named).id);
  assert.match(taskDef(named).source!, /task:named/);
});
