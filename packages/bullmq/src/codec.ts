// How values cross Redis. BullMQ stores job data and return values as JSON, which loses
// `undefined`, Date, BigInt, Map, Set, typed arrays and non-finite numbers. This codec turns
// a value into a JSON-safe tree in which those become tagged objects `{ $: tag, v }`, and
// back. A plain object that itself has a `$` key is wrapped (`{ $: "o", v }`) so it cannot be
// mistaken for a tag.
//
// What it refuses, with a TypeError at encode time (so the one future fails at once):
// functions, symbols, WeakMap/WeakSet/Promise, cyclic structures, and instances of classes
// other than the ones listed here. A class instance would arrive as a plain object without
// its methods, which is a silent change of meaning; the error asks for a plain object instead.
// Errors are carried (name, message, stack, cause, own fields) because tasks return and throw them.
import { Buffer } from "node:buffer";

/** A JSON value, as BullMQ stores it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

function typedArrayName(value: ArrayBufferView): TypedArrayName | undefined {
  for (const name of Object.keys(TYPED_ARRAYS) as TypedArrayName[]) {
    if (value instanceof TYPED_ARRAYS[name]) return name;
  }
  return undefined;
}

function at(path: string): string {
  return path === "" ? "" : ` at ${path}`;
}

function bytes(view: ArrayBufferView | ArrayBuffer): string {
  const u8 = view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return Buffer.from(u8).toString("base64");
}

function unbytes(base64: string): ArrayBuffer {
  const buf = Buffer.from(base64, "base64");
  const out = new ArrayBuffer(buf.byteLength);
  new Uint8Array(out).set(buf);
  return out;
}

const ERROR_KEYS = new Set(["name", "message", "stack", "cause"]);

/**
 * Encode `value` into a JSON-safe tree.
 * @throws {TypeError} naming the path of the first value it cannot carry.
 */
export function encode(value: unknown): Json {
  return enc(value, "", new Set());
}

function enc(value: unknown, path: string, seen: Set<object>): Json {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { $: "n", v: Object.is(value, -0) ? "-0" : String(value) };
    case "undefined":
      return { $: "u" };
    case "bigint":
      return { $: "b", v: value.toString() };
    case "function":
      throw new TypeError(`cannot send a function${at(path)} through the queue: only data crosses (JSON, undefined, Date, BigInt, Map, Set, typed arrays, Error)`);
    case "symbol":
      throw new TypeError(`cannot send a symbol${at(path)} through the queue`);
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError(`cannot send a cyclic structure${at(path)} through the queue`);
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const out: Json[] = new Array(obj.length);
      for (let i = 0; i < obj.length; i++) out[i] = enc(obj[i], `${path}[${i}]`, seen);
      return out;
    }
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto === Object.prototype || proto === null) {
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(obj)) out[key] = enc((obj as Record<string, unknown>)[key], path ? `${path}.${key}` : key, seen);
      return "$" in out ? { $: "o", v: out } : out;
    }
    if (obj instanceof Date) return { $: "d", v: obj.getTime() };
    if (obj instanceof Map) {
      const entries: Json[] = [];
      let i = 0;
      for (const [k, v] of obj) {
        entries.push([enc(k, `${path}<key ${i}>`, seen), enc(v, `${path}<value ${i}>`, seen)]);
        i++;
      }
      return { $: "m", v: entries };
    }
    if (obj instanceof Set) {
      const items: Json[] = [];
      let i = 0;
      for (const v of obj) items.push(enc(v, `${path}<item ${i++}>`, seen));
      return { $: "s", v: items };
    }
    if (obj instanceof ArrayBuffer) return { $: "ab", v: bytes(obj) };
    if (ArrayBuffer.isView(obj)) {
      if (obj instanceof DataView) return { $: "dv", v: bytes(obj) };
      const name = typedArrayName(obj);
      // A Node Buffer is a Uint8Array subclass: it arrives as a Uint8Array.
      if (name) return { $: "ta", t: name, v: bytes(obj) };
    }
    if (obj instanceof RegExp) return { $: "re", v: obj.source, f: obj.flags };
    if (obj instanceof Error) return encodeError(obj, path, seen);
    if (obj instanceof Boolean || obj instanceof Number || obj instanceof String) return enc(obj.valueOf(), path, seen);
    const ctor = (proto as { constructor?: { name?: string } }).constructor?.name || "anonymous class";
    throw new TypeError(
      `cannot send an instance of ${ctor}${at(path)} through the queue: it would arrive as a plain object without its methods. ` +
        `Send a plain object (or JSON, Date, BigInt, Map, Set, typed arrays, Error) and rebuild it in the task`,
    );
  } finally {
    seen.delete(obj);
  }
}

function encodeError(error: Error, path: string, seen: Set<object>): Json {
  const fields: { [key: string]: Json } = {};
  for (const key of Object.keys(error)) {
    if (ERROR_KEYS.has(key)) continue;
    try {
      fields[key] = enc((error as unknown as Record<string, unknown>)[key], `${path}.${key}`, seen);
    } catch {
      // A field we cannot carry (a socket, a function) must not hide the error itself.
    }
  }
  const out: { [key: string]: Json } = {
    $: "e",
    name: String(error.name),
    message: String(error.message),
    fields,
  };
  if (typeof error.stack === "string") out["stack"] = error.stack;
  if (error.cause !== undefined) {
    try {
      out["cause"] = enc(error.cause, `${path}.cause`, seen);
    } catch {
      out["cause"] = String(error.cause);
    }
  }
  return out;
}

/**
 * Decode a tree made by {@link encode}. Errors come back as `Error` objects whose `name`,
 * `message`, `stack`, `cause` and own fields are those of the original; the class is not
 * (it may not exist here), except the built-in ones (`TypeError`, `RangeError`, …).
 */
export function decode(value: Json): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decode);
  const tag = value["$"];
  if (tag === undefined) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = decode(value[key] as Json);
    return out;
  }
  const v = value["v"];
  switch (tag) {
    case "u":
      return undefined;
    case "n":
      return v === "-0" ? -0 : Number(v);
    case "b":
      return BigInt(v as string);
    case "d":
      return new Date(v as number);
    case "m":
      return new Map((v as [Json, Json][]).map(([k, x]) => [decode(k), decode(x)]));
    case "s":
      return new Set((v as Json[]).map(decode));
    case "ab":
      return unbytes(v as string);
    case "dv":
      return new DataView(unbytes(v as string));
    case "ta": {
      const ctor = TYPED_ARRAYS[value["t"] as TypedArrayName];
      if (!ctor) throw new TypeError(`unknown typed array ${String(value["t"])}`);
      return new ctor(unbytes(v as string));
    }
    case "re":
      return new RegExp(v as string, value["f"] as string);
    case "o": {
      const out: Record<string, unknown> = {};
      const inner = v as { [key: string]: Json };
      for (const key of Object.keys(inner)) out[key] = decode(inner[key] as Json);
      return out;
    }
    case "e":
      return decodeError(value);
    default:
      throw new TypeError(`cannot decode a value tagged ${JSON.stringify(tag)}: was it written by a newer @concurrent/bullmq?`);
  }
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

function decodeError(value: { [key: string]: Json }): Error {
  const name = String(value["name"] ?? "Error");
  const ctor = BUILTIN_ERRORS[name] ?? Error;
  const error = new ctor(String(value["message"] ?? ""));
  if (error.name !== name) {
    Object.defineProperty(error, "name", { value: name, writable: true, configurable: true, enumerable: false });
  }
  if (typeof value["stack"] === "string") {
    Object.defineProperty(error, "stack", { value: value["stack"], writable: true, configurable: true, enumerable: false });
  }
  if ("cause" in value) {
    Object.defineProperty(error, "cause", { value: decode(value["cause"] as Json), writable: true, configurable: true, enumerable: false });
  }
  const fields = (value["fields"] ?? {}) as { [key: string]: Json };
  for (const key of Object.keys(fields)) (error as unknown as Record<string, unknown>)[key] = decode(fields[key] as Json);
  return error;
}
