// Value → JSON tree (the format: ../codec.ts).
import { Buffer } from "node:buffer";
import { errorParts } from "@concurrent/core/kit";
import { put, typedArrayName, type Json, type JsonObject, type TypedArray } from "./values.js";

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

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
