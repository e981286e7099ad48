// One error implementation for every executor (issue 14, item 6): serializeError /
// deserializeError carry name, message, stack, cause, own fields and AggregateError.errors
// through structured clone, and revive this library's classes as themselves; FuturesError
// is recognised across two copies of the package by its Symbol.for brand.
import { test } from "node:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { FuturesError, TimeoutError, BrokenExecutorError, WorkerExitedError, UntrustedTaskError } from "@concurrent/core";
import { deserializeError, registerErrorClass, serializeError } from "@concurrent/core/kit";

const across = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

test("kit errors: an AggregateError keeps its errors, each with its class and own fields", () => {
  const inner = Object.assign(new RangeError("inner"), { code: "E_INNER" });
  const original = Object.assign(new AggregateError([inner, new TimeoutError("slow"), 42], "many", { cause: new Error("why") }), { code: "E_MANY" });
  const back = across(original) as AggregateError & { code: string };
  assert.ok(back instanceof AggregateError);
  assert.equal(back.message, "many");
  assert.equal(back.code, "E_MANY");
  assert.equal(back.stack, original.stack);
  assert.equal((back.cause as Error).message, "why");
  assert.equal(back.errors.length, 3);
  assert.ok(back.errors[0] instanceof RangeError);
  assert.equal((back.errors[0] as unknown as { code: string }).code, "E_INNER");
  assert.ok(back.errors[1] instanceof TimeoutError);
  assert.equal(back.errors[2], 42);
  assert.equal(Object.getOwnPropertyDescriptor(back, "errors")?.enumerable, false, "errors stays non-enumerable, as on AggregateError");
});

test("kit errors: every FuturesError class comes back as itself, with its code", () => {
  for (const error of [new TimeoutError("t"), new BrokenExecutorError("b"), new WorkerExitedError("w"), new UntrustedTaskError("u")]) {
    const back = across(error) as FuturesError;
    assert.equal(Object.getPrototypeOf(back), Object.getPrototypeOf(error), error.name);
    assert.equal(back.code, error.code);
    assert.equal(back.name, error.name);
  }
  // A package's own subclass, once registered.
  class QuotaError extends FuturesError {
    constructor(message: string) {
      super(message, { code: "ERR_QUOTA" });
    }
  }
  registerErrorClass(QuotaError);
  const back = across(new QuotaError("over"));
  assert.ok(back instanceof QuotaError);
  assert.equal((back as QuotaError).code, "ERR_QUOTA");
  // An unknown class: an Error with the original name.
  const custom = Object.assign(new Error("x"), { name: "CustomError" });
  assert.equal((across(custom) as Error).name, "CustomError");
});

test("kit errors: a cause cycle is cut, not followed forever", () => {
  const a = new Error("a");
  (a as { cause?: unknown }).cause = a;
  const back = across(a) as Error;
  assert.equal(back.message, "a");
  assert.equal((back.cause as Error).message, "a");
});

test("errors: FuturesError is recognised across two copies of the package (Symbol.for brand)", async () => {
  // The module copied to another file is a second copy of every class, as two versions of
  // the package in one dependency tree would be.
  const source = readFileSync(fileURLToPath(new URL("./errors.js", import.meta.resolve("@concurrent/core"))), "utf8");
  const file = join(mkdtempSync(join(tmpdir(), "cf-copy-")), "errors.mjs");
  writeFileSync(file, source.replace(/\/\/# sourceMappingURL=.*/, ""));
  const copy = (await import(pathToFileURL(file).href)) as typeof import("@concurrent/core");
  assert.notEqual(copy.TimeoutError, TimeoutError, "the test really has two copies");
  const theirs = new copy.WorkerExitedError("from the other copy");
  assert.ok(theirs instanceof FuturesError);
  assert.ok(theirs instanceof BrokenExecutorError, "the class chain counts");
  assert.ok(theirs instanceof WorkerExitedError);
  assert.equal(theirs instanceof TimeoutError, false);
  assert.ok(new TimeoutError("ours") instanceof copy.TimeoutError);
  assert.equal(new Error("plain") instanceof FuturesError, false);
  assert.equal(Object.assign(new Error("x"), { name: "TimeoutError", code: "ERR_TIMEOUT" }) instanceof TimeoutError, false, "no brand, no match");
});
