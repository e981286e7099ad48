// JSON tree → value (the format: ../codec.ts).
import { Buffer } from "node:buffer";
import { completeError, createError, type ErrorParts } from "@concurrent/core/kit";
import { put, TYPED_ARRAYS, type Json, type JsonObject, type TypedArrayName } from "./values.js";

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
