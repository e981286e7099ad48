// The error table of SPEC.md: every class extends FuturesError (an Error), carries its
// stable code, is named after itself, and keeps `cause`. Codes and names, never messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BrokenExecutorError,
  CancelledError,
  FuturesError,
  InvalidStateError,
  ShutdownError,
  TimeoutError,
  UntrustedTaskError,
  WorkerExitedError,
} from "@concurrent/core";

const TABLE = [
  [CancelledError, "CancelledError", "ERR_CANCELLED"],
  [TimeoutError, "TimeoutError", "ERR_TIMEOUT"],
  [InvalidStateError, "InvalidStateError", "ERR_INVALID_STATE"],
  [ShutdownError, "ShutdownError", "ERR_SHUTDOWN"],
  [BrokenExecutorError, "BrokenExecutorError", "ERR_BROKEN_EXECUTOR"],
  [WorkerExitedError, "WorkerExitedError", "ERR_WORKER_EXITED"],
  [UntrustedTaskError, "UntrustedTaskError", "ERR_UNTRUSTED_TASK"],
] as const;

test("errors: each class extends FuturesError and Error, with its code and its class name", () => {
  for (const [Class, name, code] of TABLE) {
    const error = new Class("message");
    assert.ok(error instanceof Class, name);
    assert.ok(error instanceof FuturesError, `${name} extends FuturesError`);
    assert.ok(error instanceof Error, `${name} extends Error`);
    assert.equal(error.name, name);
    assert.equal(error.code, code);
    assert.equal(error.message, "message");
    assert.equal(typeof error.stack, "string");
  }
});

test("errors: the codes are distinct", () => {
  assert.equal(new Set(TABLE.map(([, , code]) => code)).size, TABLE.length);
});

test("errors: WorkerExitedError is a BrokenExecutorError with its own code", () => {
  const error = new WorkerExitedError("worker died");
  assert.ok(error instanceof BrokenExecutorError);
  assert.equal(error.code, "ERR_WORKER_EXITED");
  assert.equal(new BrokenExecutorError("x").code, "ERR_BROKEN_EXECUTOR");
});

test("errors: cause is kept", () => {
  const cause = new Error("root");
  for (const [Class] of TABLE) assert.equal(new Class("m", { cause }).cause, cause);
  assert.equal(new FuturesError("m", { cause }).cause, cause);
  assert.equal("cause" in new CancelledError(), false, "no cause property unless one is given");
});

test("errors: the classes with a default message can be made without arguments", () => {
  for (const Class of [CancelledError, TimeoutError, ShutdownError]) {
    const error = new Class();
    assert.equal(typeof error.message, "string");
    assert.ok(error.message.length > 0);
  }
});

test("errors: FuturesError itself is an Error named FuturesError with a code", () => {
  const error = new FuturesError("m");
  assert.ok(error instanceof Error);
  assert.equal(error.name, "FuturesError");
  assert.equal(typeof error.code, "string");
  assert.equal(new FuturesError("m", { code: "ERR_CUSTOM" }).code, "ERR_CUSTOM");
});

test("errors: a subclass is named after itself", () => {
  class MyError extends FuturesError {}
  assert.equal(new MyError("m").name, "MyError");
  assert.ok(new MyError("m") instanceof FuturesError);
});

test("errors: distinct classes are not instances of each other", () => {
  assert.equal(new CancelledError() instanceof TimeoutError, false);
  assert.equal(new TimeoutError() instanceof CancelledError, false);
  assert.equal(new ShutdownError() instanceof BrokenExecutorError, false);
  assert.equal(new BrokenExecutorError("x") instanceof WorkerExitedError, false);
});
