// How values cross Redis. BullMQ stores job data and return values as JSON; this codec turns
// a value into a JSON tree that carries what structured clone carries between threads —
// exactly, or not at all: a value it cannot carry is a TypeError naming its path, never a
// silent change (issue 14). JSON keeps strings, booleans, finite numbers, null, dense arrays
// and plain objects as they are; everything else is a tagged object `{ $: tag, … }`:
//
//   u undefined          n NaN, ±Infinity, -0 (v: their text)    b BigInt (v: decimal text)
//   d Date (v: time, null when invalid)      re RegExp (v: source, f: flags)
//   x boxed primitive (v: the primitive)     m Map (v: [[key, value], …])   s Set (v: [item, …])
//   ab ArrayBuffer (v: base64, x: maxByteLength when resizable)
//   ta typed array (t: class, b: its buffer, o: byteOffset, l: length)   dv DataView (b, o, l)
//   a  array with holes or own non-index keys (l: length, v: [[key, value], …])
//   o  plain object that has a `$` key of its own (v: the object), so it is not read as a tag
//   e  Error (see below)                 r  a reference to an object met before (v: its number)
//
// Objects are numbered in the order they are met (depth first); a second meeting writes a
// reference, so shared objects stay shared and cycles survive, as with structured clone.
// Own "__proto__" keys (what JSON.parse of user input makes) are kept as keys. Plain objects
// with a null prototype arrive with Object.prototype, as with structured clone.
//
// Errors: name, message, stack, cause, own fields and AggregateError.errors, by core's one
// error implementation (`@concurrent/core/kit`), so this library's error classes and the
// built-in ones come back as themselves.
//
// Refused with a TypeError at encode time (so the one future fails at once): functions,
// symbols, WeakMap/WeakSet/Promise, SharedArrayBuffer, views of resizable buffers, and
// instances of other classes — structured clone would hand them over as plain objects
// without their methods, a silent change of meaning.
import { Buffer } from "node:buffer";
import { completeError, createError, errorParts, type ErrorParts } from "@concurrent/core/kit";

/** A JSON value, as BullMQ stores it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

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
type TypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

function typedArrayName(value: ArrayBufferView): TypedArrayName | undefined {
  for (const name of Object.keys(TYPED_ARRAYS) as TypedArrayName[]) {
    if (value instanceof TYPED_ARRAYS[name]) return name;
  }
  return undefined;
}

/** Set a key as an own data property, so "__proto__" is a key and not the prototype. */
function put(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---- encode -------------------------------------------------------------------------------

/** Thrown inside encode; each level adds its part of the path on the way out. */
class Unsendable {
  path = "";
  constructor(readonly what: string) {}
  at(part: string): Unsendable {
    this.path = part + this.path;
    return this;
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const keyPart = (key: string) => (IDENT.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

const CARRIED = "JSON, undefined, NaN/±Infinity/-0, BigInt, Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, Error";

/**
 * Encode `value` into a JSON-safe tree.
 * @throws {TypeError} naming the path of the first value it cannot carry.
 */
export function encode(value: unknown): Json {
  try {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return primitive(value);
    return new Encoder().enc(value);
  } catch (error) {
    if (!(error instanceof Unsendable)) throw error;
    const path = error.path.startsWith(".") ? error.path.slice(1) : error.path;
    throw new TypeError(`cannot send ${error.what}${path ? ` at ${path}` : ""} through the queue: only data crosses (${CARRIED})`);
  }
}

function primitive(value: unknown): Json {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? value : { $: "n", v: Object.is(value, -0) ? "-0" : String(value) };
    case "undefined":
      return { $: "u" };
    case "bigint":
      return { $: "b", v: value.toString() };
    case "symbol":
      throw new Unsendable("a symbol");
    case "function":
      throw new Unsendable("a function");
  }
  return null;
}

class Encoder {
  readonly #ids = new Map<object, number>();

  enc(value: unknown): Json {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return primitive(value);
    if (typeof value === "function") throw new Unsendable("a function");
    const obj = value as object;
    const id = this.#ids.get(obj);
    if (id !== undefined) return { $: "r", v: id };
    this.#ids.set(obj, this.#ids.size);

    if (Array.isArray(obj)) return this.#array(obj);
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto === Object.prototype || proto === null) {
      const out = this.#entries(obj, {});
      return Object.hasOwn(out, "$") ? { $: "o", v: out } : out;
    }
    if (obj instanceof Date) {
      const time = obj.getTime();
      return { $: "d", v: Number.isNaN(time) ? null : time };
    }
    if (obj instanceof Map) {
      const entries: Json[] = [];
      let part = "";
      try {
        for (const [k, v] of obj) {
          part = `<key ${entries.length}>`;
          const key = this.enc(k);
          part = `<value ${entries.length}>`;
          entries.push([key, this.enc(v)]);
        }
      } catch (error) {
        throw error instanceof Unsendable ? error.at(part) : error;
      }
      return { $: "m", v: entries };
    }
    if (obj instanceof Set) {
      const items: Json[] = [];
      try {
        for (const v of obj) items.push(this.enc(v));
      } catch (error) {
        throw error instanceof Unsendable ? error.at(`<item ${items.length}>`) : error;
      }
      return { $: "s", v: items };
    }
    if (obj instanceof ArrayBuffer) {
      const out: JsonObject = { $: "ab", v: base64(new Uint8Array(obj)) };
      const resizable = obj as unknown as { resizable?: boolean; maxByteLength: number };
      if (resizable.resizable) out["x"] = resizable.maxByteLength;
      return out;
    }
    if (ArrayBuffer.isView(obj)) return this.#view(obj);
    if (obj instanceof RegExp) return { $: "re", v: obj.source, f: obj.flags };
    if (obj instanceof Error) return this.#error(obj);
    if (obj instanceof Boolean || obj instanceof Number || obj instanceof String || obj instanceof BigInt) {
      return { $: "x", v: primitive(obj.valueOf()) };
    }
    if (typeof SharedArrayBuffer === "function" && obj instanceof SharedArrayBuffer) {
      throw new Unsendable("a SharedArrayBuffer (memory shared between threads cannot be shared between machines)");
    }
    const ctor = (proto as { constructor?: { name?: string } }).constructor?.name || "anonymous class";
    throw new Unsendable(
      `an instance of ${ctor} (it would arrive as a plain object without its methods: send a plain object and rebuild it in the task)`,
    );
  }

  /** Own enumerable string keys of `obj` into `out`, in order (as structured clone reads them). */
  #entries(obj: object, out: JsonObject): JsonObject {
    let key = "";
    try {
      for (key of Object.keys(obj)) put(out, key, this.enc((obj as Record<string, unknown>)[key]));
    } catch (error) {
      throw error instanceof Unsendable ? error.at(keyPart(key)) : error;
    }
    return out;
  }

  #array(arr: unknown[]): Json {
    const keys = Object.keys(arr);
    const dense = keys.length === arr.length && keys.every((k, i) => k === String(i));
    if (dense) {
      const out: Json[] = new Array(arr.length);
      let i = 0;
      try {
        for (; i < arr.length; i++) out[i] = this.enc(arr[i]);
      } catch (error) {
        throw error instanceof Unsendable ? error.at(`[${i}]`) : error;
      }
      return out;
    }
    // Holes stay holes, and own non-index keys travel too, as with structured clone.
    const entries: Json[] = [];
    let key = "";
    try {
      for (key of keys) entries.push([key, this.enc((arr as unknown as Record<string, unknown>)[key])]);
    } catch (error) {
      throw error instanceof Unsendable ? error.at(/^\d+$/.test(key) ? `[${key}]` : keyPart(key)) : error;
    }
    return { $: "a", l: arr.length, v: entries };
  }

  #view(view: ArrayBufferView): Json {
    const name = view instanceof DataView ? undefined : typedArrayName(view);
    if (!(view instanceof DataView) && name === undefined) throw new Unsendable(`an instance of ${view.constructor.name}`);
    const buffer = view.buffer as ArrayBuffer;
    if ((buffer as { resizable?: boolean }).resizable) {
      throw new Unsendable("a view of a resizable ArrayBuffer (copy it into a fixed-size one)");
    }
    if (typeof SharedArrayBuffer === "function" && (buffer as unknown) instanceof SharedArrayBuffer) {
      throw new Unsendable("a view of a SharedArrayBuffer (memory shared between threads cannot be shared between machines)");
    }
    // The whole buffer travels (once, however many views share it), as with structured clone.
    const b = this.enc(buffer);
    const length = name === undefined ? view.byteLength : (view as TypedArray).length;
    const out: JsonObject = { $: name === undefined ? "dv" : "ta", b, o: view.byteOffset, l: length };
    if (name !== undefined) out["t"] = name;
    return out;
  }

  #error(error: Error): Json {
    const parts = errorParts(error);
    const out: JsonObject = { $: "e", n: parts.name, m: parts.message };
    if (parts.stack !== undefined) out["s"] = parts.stack;
    let where = ".cause";
    try {
      if (parts.hasCause) out["c"] = this.enc(parts.cause);
      if (parts.errors !== undefined) {
        const errors: Json[] = [];
        for (const e of parts.errors) {
          where = `.errors[${errors.length}]`;
          errors.push(this.enc(e));
        }
        out["x"] = errors;
      }
      where = "";
    } catch (e) {
      throw e instanceof Unsendable ? e.at(where) : e;
    }
    out["f"] = this.#entries(parts.fields, {});
    return out;
  }
}

// ---- decode -------------------------------------------------------------------------------

/**
 * Decode a tree made by {@link encode}. Errors come back as `Error`s whose `name`, `message`,
 * `stack`, `cause`, own fields and `errors` are those of the original; their class is the
 * built-in or @concurrent error class of that name, else `Error`.
 * @throws {TypeError} for a tree {@link encode} cannot have made.
 */
export function decode(value: Json): unknown {
  if (value === null || typeof value !== "object") return value;
  return new Decoder().dec(value);
}

const bad = (what: string) => new TypeError(`cannot decode ${what}: was it written by a newer @concurrent/bullmq?`);

class Decoder {
  readonly #objects: unknown[] = [];

  dec(value: Json): unknown {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
      const out: unknown[] = new Array(value.length);
      this.#objects.push(out);
      for (let i = 0; i < value.length; i++) out[i] = this.dec(value[i]!);
      return out;
    }
    const tag = value["$"];
    if (tag === undefined) return this.#object(value);
    const v = value["v"];
    switch (tag) {
      case "u":
        return undefined;
      case "n":
        return v === "-0" ? -0 : Number(v);
      case "b":
        return BigInt(v as string);
      case "r": {
        if (typeof v !== "number" || !(v >= 0 && v < this.#objects.length)) throw bad(`a reference to object ${String(v)}`);
        return this.#objects[v];
      }
      case "o":
        return this.#object(v as JsonObject);
      case "a": {
        const out: unknown[] = new Array(value["l"] as number);
        this.#objects.push(out);
        for (const [k, x] of v as [string, Json][]) put(out, k, this.dec(x));
        return out;
      }
      case "d":
        return this.#leaf(new Date(v === null ? NaN : (v as number)));
      case "re":
        return this.#leaf(new RegExp(v as string, value["f"] as string));
      case "x":
        return this.#leaf(Object(this.dec(v as Json)));
      case "m": {
        const out = this.#leaf(new Map());
        for (const [k, x] of v as [Json, Json][]) {
          const key = this.dec(k);
          out.set(key, this.dec(x));
        }
        return out;
      }
      case "s": {
        const out = this.#leaf(new Set());
        for (const x of v as Json[]) out.add(this.dec(x));
        return out;
      }
      case "ab": {
        const bytes = Buffer.from(v as string, "base64");
        const max = value["x"];
        const Resizable = ArrayBuffer as unknown as new (length: number, options?: { maxByteLength: number }) => ArrayBuffer;
        const out = new Resizable(bytes.byteLength, typeof max === "number" ? { maxByteLength: max } : undefined);
        new Uint8Array(out).set(bytes);
        return this.#leaf(out);
      }
      case "ta":
      case "dv": {
        // The view was numbered before its buffer: keep its number while the buffer decodes.
        const id = this.#objects.push(undefined) - 1;
        const buffer = this.dec(value["b"] as Json);
        if (!(buffer instanceof ArrayBuffer)) throw bad("a view without its buffer");
        const offset = value["o"] as number;
        const length = value["l"] as number;
        let view: ArrayBufferView;
        if (tag === "dv") {
          view = new DataView(buffer, offset, length);
        } else {
          const name = value["t"] as string;
          if (!Object.hasOwn(TYPED_ARRAYS, name)) throw bad(`a typed array ${JSON.stringify(name)}`);
          view = new TYPED_ARRAYS[name as TypedArrayName](buffer, offset, length);
        }
        this.#objects[id] = view;
        return view;
      }
      case "e":
        return this.#error(value);
      default:
        throw bad(`a value tagged ${JSON.stringify(tag)}`);
    }
  }

  #leaf<T>(value: T): T {
    this.#objects.push(value);
    return value;
  }

  #object(value: JsonObject): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#objects.push(out);
    for (const key of Object.keys(value)) put(out, key, this.dec(value[key]!));
    return out;
  }

  #error(value: JsonObject): Error {
    // Made before its children, which may refer back to it.
    const error = this.#leaf(createError(String(value["n"] ?? "Error"), String(value["m"] ?? "")));
    const rest: Omit<ErrorParts, "name" | "message"> = { hasCause: "c" in value, fields: {} };
    if (typeof value["s"] === "string") rest.stack = value["s"];
    if (rest.hasCause) rest.cause = this.dec(value["c"]!);
    if (Array.isArray(value["x"])) rest.errors = value["x"].map((x) => this.dec(x));
    // The fields object is the error's, not a value of its own: it has no number.
    const fields = (value["f"] ?? {}) as JsonObject;
    for (const key of Object.keys(fields)) put(rest.fields, key, this.dec(fields[key]!));
    return completeError(error, rest);
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
