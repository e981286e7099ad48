// Errors across isolates and machines, written once for every executor (the worker-pool
// protocol and @concurrent/bullmq's codec both use it). Structured clone keeps only part of
// an Error — no own fields such as `code`, no `AggregateError.errors` on every runtime, and
// `cause` varies — so an error travels as its parts and is rebuilt on the other side:
//
// - what travels: `name`, `message`, `stack`, `cause` (when present), own enumerable fields,
//   and `errors` when it is the non-enumerable own array of an `AggregateError`;
// - what comes back: the built-in class of that name (`TypeError`, `AggregateError`, …), or
//   a `FuturesError` subclass registered here by name (every class of core; others call
//   {@link registerErrorClass}), so `instanceof TimeoutError` holds on the far side; any
//   other name comes back as an `Error` with that `name`.
import {
  BrokenExecutorError,
  CancelledError,
  FuturesError,
  InvalidStateError,
  ShutdownError,
  TimeoutError,
  UntrustedTaskError,
  WorkerExitedError,
} from "../errors.js";
import { shortenEmbeddedUrls } from "../pool/worker-entry.js";

type ErrorClass = new (message?: string) => Error;

const classes = new Map<string, ErrorClass>();
for (const c of [Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError]) classes.set(c.name, c);
for (const c of [FuturesError, CancelledError, TimeoutError, InvalidStateError, ShutdownError, BrokenExecutorError, WorkerExitedError, UntrustedTaskError]) {
  classes.set(c.name, c as ErrorClass);
}

/**
 * Revive errors named `ctor.name` as `ctor` (a `FuturesError` subclass of a package other
 * than core, e.g. `RedisConnectionError`). Its constructor must accept `(message)`.
 */
export function registerErrorClass(ctor: new (message: string) => Error): void {
  classes.set(ctor.name, ctor as ErrorClass);
}

/** The parts of an error that travel; the children (`cause`, `errors`, fields) as they are. */
export interface ErrorParts {
  name: string;
  message: string;
  stack?: string;
  /** Present (even when `undefined`) only if the error has a `cause`. */
  cause?: unknown;
  hasCause: boolean;
  /** `AggregateError.errors` (a non-enumerable own array). */
  errors?: unknown[];
  /** Own enumerable fields (`code`, `errno`, …). */
  fields: Record<string, unknown>;
}

const OWN = new Set(["name", "message", "stack", "cause"]);

/** True for an Error, or an error-like object from another realm (it has `message` and `stack`). */
export function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || (typeof value === "object" && value !== null && "message" in value && "stack" in value);
}

export function errorParts(error: Error): ErrorParts {
  const e = error as Error & Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (!OWN.has(key)) Object.defineProperty(fields, key, { value: e[key], enumerable: true, writable: true, configurable: true });
  }
  const parts: ErrorParts = { name: String(e.name), message: String(e.message), hasCause: "cause" in e, fields };
  if (typeof e.stack === "string") parts.stack = e.stack;
  if (parts.hasCause) parts.cause = e.cause;
  const errors = Object.getOwnPropertyDescriptor(e, "errors");
  if (errors && !errors.enumerable && Array.isArray(errors.value)) parts.errors = errors.value as unknown[];
  return parts;
}

/** A new error of the class `name` stands for (see the header), with that name and message. */
export function createError(name: string, message: string): Error {
  let error: Error;
  if (name === "AggregateError") {
    error = new AggregateError([], message);
  } else {
    const Class = classes.get(name) ?? Error;
    try {
      error = new Class(message);
    } catch {
      error = new Error(message);
    }
  }
  if (error.name !== name) define(error, "name", name);
  return error;
}

/** Give `error` (from {@link createError}) the rest of its parts, children already revived. */
export function completeError(error: Error, parts: Omit<ErrorParts, "name" | "message">): Error {
  if (parts.stack !== undefined) define(error, "stack", parts.stack);
  else delete (error as { stack?: string }).stack;
  if (parts.hasCause) define(error, "cause", parts.cause);
  if (parts.errors !== undefined) define(error, "errors", parts.errors);
  for (const key of Object.keys(parts.fields)) {
    Object.defineProperty(error, key, { value: parts.fields[key], enumerable: true, writable: true, configurable: true });
  }
  return error;
}

function define(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: false });
}

// ---- structured-clone transports (the worker pool) ------------------------------------

/** An error as plain data for `postMessage`: children serialised too, fields kept if they clone. */
export interface SerializedError {
  /** Set when something other than an Error was thrown: the thrown value itself (or its string). */
  thrown?: unknown;
  name: string;
  message: string;
  stack: string | undefined;
  cause?: SerializedError;
  hasCause: boolean;
  errors?: SerializedError[];
  fields: Record<string, unknown>;
}

function cloneable(value: unknown): boolean {
  if (value === null || typeof value !== "object") return typeof value !== "function" && typeof value !== "symbol";
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

// A cause or errors chain deeper than this (or a cycle) is cut there.
const MAX_DEPTH = 16;

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!isErrorLike(error)) {
    return { thrown: cloneable(error) ? error : String(error), name: "Error", message: String(error), stack: undefined, hasCause: false, fields: {} };
  }
  const parts = errorParts(error);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(parts.fields)) {
    const value = parts.fields[key];
    Object.defineProperty(fields, key, { value: cloneable(value) ? value : String(value), enumerable: true, writable: true, configurable: true });
  }
  // An embedded worker's data: URL in a message or stack says nothing and can be huge.
  const stack = parts.stack === undefined ? undefined : shortenEmbeddedUrls(parts.stack);
  const out: SerializedError = { name: parts.name, message: shortenEmbeddedUrls(parts.message), stack, hasCause: parts.hasCause && depth < MAX_DEPTH, fields };
  if (out.hasCause) out.cause = serializeError(parts.cause, depth + 1);
  if (parts.errors !== undefined && depth < MAX_DEPTH) out.errors = parts.errors.map((e) => serializeError(e, depth + 1));
  return out;
}

export function deserializeError(data: SerializedError): unknown {
  if ("thrown" in data) return data.thrown;
  const error = createError(data.name, data.message);
  const rest: Omit<ErrorParts, "name" | "message"> = { hasCause: data.hasCause, fields: data.fields };
  if (data.stack !== undefined) rest.stack = data.stack;
  if (data.hasCause && data.cause) rest.cause = deserializeError(data.cause);
  if (data.errors) rest.errors = data.errors.map(deserializeError);
  return completeError(error, rest);
}
