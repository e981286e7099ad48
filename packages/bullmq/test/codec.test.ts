// The queue's value codec (issue 14, items 5–6), without Redis: decode(encode(v)) is exactly
// structuredClone(v) — invalid Dates, -0, NaN, BigInt, boxed primitives, Map, Set, typed
// arrays with their offsets and shared buffers, sparse arrays with their holes, own
// "__proto__" keys, shared objects and cycles — and errors arrive with their name, message,
// stack, cause, own fields and AggregateError.errors (more than structured clone keeps); or
// encode throws a TypeError naming the path of the value it cannot carry.
//
// node:assert's deepStrictEqual differs between runtimes (Node 20 finds two invalid Dates
// unequal; none compares holes and `undefined` the same way), so `same` below checks exactly.
//
// CI runs a fixed seed. To hunt with more: FC_RUNS=5000 FC_SEED=$RANDOM node --test dist-test/codec.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TimeoutError, UntrustedTaskError, WorkerExitedError } from "@concurrent/futures";
import { decode, encode } from "@concurrent/bullmq";

const seed = Number(process.env["FC_SEED"] ?? 5);
const runs = Number(process.env["FC_RUNS"] ?? 400);

const roundTrip = (value: unknown) => decode(JSON.parse(JSON.stringify(encode(value))));

/** Throws an AssertionError naming the first place where `actual` and `expected` differ. */
function same(actual: unknown, expected: unknown, path = "value", pairs = new Map<object, unknown>()): void {
  const fail = (what: string) => assert.fail(`${path}: ${what}`);
  if (typeof expected !== "object" || expected === null) {
    if (!Object.is(actual, expected)) fail(`${String(actual)} is not ${String(expected)}`);
    return;
  }
  if (typeof actual !== "object" || actual === null) return fail(`${String(actual)} is not an object`);
  // Shared objects stay shared, cycles stay cycles.
  if (pairs.has(expected)) {
    if (pairs.get(expected) !== actual) fail("a shared object arrived as a copy");
    return;
  }
  pairs.set(expected, actual);
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(e)) fail(`class ${a.constructor?.name} is not ${e.constructor?.name}`);
  if (e instanceof Date) {
    if (!Object.is((a as unknown as Date).getTime(), e.getTime())) fail("another time");
    return;
  }
  if (e instanceof RegExp) {
    const r = a as unknown as RegExp;
    if (r.source !== e.source || r.flags !== e.flags) fail("another RegExp");
    return;
  }
  if (e instanceof Number || e instanceof String || e instanceof Boolean || e instanceof BigInt) {
    if (!Object.is(a.valueOf(), e.valueOf())) fail("another boxed value");
    return;
  }
  if (e instanceof ArrayBuffer) {
    const x = new Uint8Array(a as unknown as ArrayBuffer);
    const y = new Uint8Array(e);
    if (x.length !== y.length || x.some((v, i) => v !== y[i])) fail("other bytes");
    return;
  }
  if (ArrayBuffer.isView(e)) {
    const v = a as unknown as ArrayBufferView;
    if (v.byteOffset !== e.byteOffset || v.byteLength !== e.byteLength) fail("another offset or length");
    same(v.buffer, e.buffer, `${path}.buffer`, pairs);
    return;
  }
  if (e instanceof Map) {
    const x = [...(a as unknown as Map<unknown, unknown>)];
    const y = [...e];
    if (x.length !== y.length) fail("another size");
    y.forEach(([k, v], i) => {
      same(x[i]![0], k, `${path}<key ${i}>`, pairs);
      same(x[i]![1], v, `${path}<value ${i}>`, pairs);
    });
    return;
  }
  if (e instanceof Set) {
    const x = [...(a as unknown as Set<unknown>)];
    const y = [...e];
    if (x.length !== y.length) fail("another size");
    y.forEach((v, i) => same(x[i], v, `${path}<item ${i}>`, pairs));
    return;
  }
  if (e instanceof Error) {
    const x = a as unknown as Error;
    if (x.name !== e.name || x.message !== e.message || x.stack !== e.stack) fail("another name, message or stack");
    if ("cause" in x !== "cause" in e) fail("cause present on one side only");
    if ("cause" in e) same(x.cause, e.cause, `${path}.cause`, pairs);
    const errors = Object.getOwnPropertyDescriptor(e, "errors");
    if (errors) same(Object.getOwnPropertyDescriptor(x, "errors")?.value, errors.value, `${path}.errors`, pairs);
  }
  if (Array.isArray(e) && (a as unknown as unknown[]).length !== e.length) fail("another length");
  const keys = Object.keys(e);
  if (JSON.stringify(Object.keys(a)) !== JSON.stringify(keys)) fail(`keys ${JSON.stringify(Object.keys(a))} are not ${JSON.stringify(keys)}`);
  for (const key of keys) same(a[key], e[key], `${path}[${JSON.stringify(key)}]`, pairs);
}

/** An own data property, so "__proto__" is a key. */
function put(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---- examples -------------------------------------------------------------------------

test("codec: what JSON loses arrives exactly (invalid Date, -0, NaN, holes, own __proto__, boxed, offsets)", () => {
  const parsed = JSON.parse('{"__proto__": {"admin": true}, "$": "not a tag", "v": 1}') as object;
  const sparse = [1, , 3, , ,] as unknown[]; // eslint-disable-line no-sparse-arrays
  (sparse as unknown as Record<string, unknown>)["extra"] = "kept";
  const buffer = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer;
  const value = {
    invalid: new Date(NaN),
    date: new Date(1_700_000_000_000),
    numbers: [-0, NaN, Infinity, -Infinity, 0.1],
    big: [2n ** 80n, -1n],
    parsed,
    sparse,
    boxed: [Object(1), Object("s"), Object(false), Object(5n)],
    views: [new Uint8Array(buffer, 2, 3), new Uint16Array(buffer, 4, 2), new DataView(buffer, 1, 2)],
    re: /a+b/giu,
    nested: { deep: [{ $: "u" }, { $: "r", v: 0 }] },
    nullProto: Object.assign(Object.create(null) as object, { a: 1 }),
  };
  const back = roundTrip(value) as typeof value;
  same(back, structuredClone(value));
  assert.ok(Number.isNaN(back.invalid.getTime()), "an invalid Date stays invalid");
  assert.ok(Object.hasOwn(back.parsed, "__proto__"), "an own __proto__ key stays a key");
  assert.equal(Object.getPrototypeOf(back.parsed), Object.prototype, "and does not become the prototype");
  assert.deepEqual(Object.keys(back.sparse), ["0", "2", "extra"], "holes stay holes");
  assert.equal(back.sparse.length, 5);
  assert.equal(back.views[0]!.buffer, back.views[1]!.buffer, "views of one buffer share it");
});

test("codec: shared objects stay shared and cycles survive", () => {
  const shared = { n: 1 };
  const cyclic: Record<string, unknown> = { shared, list: [shared] };
  cyclic["self"] = cyclic;
  const map = new Map<unknown, unknown>([["me", null]]);
  map.set("me", map);
  cyclic["map"] = map;
  const back = roundTrip(cyclic) as typeof cyclic & { list: unknown[]; map: Map<unknown, unknown> };
  same(back, structuredClone(cyclic));
  assert.equal(back["self"], back);
  assert.equal(back.list[0], back["shared"]);
  assert.equal(back.map.get("me"), back.map);
});

test("codec: errors keep name, message, stack, cause, own fields and AggregateError.errors; classes come back as themselves", () => {
  const inner = Object.assign(new RangeError("inner"), { code: "E_INNER", at: new Date(0) });
  const aggregate = new AggregateError([inner, new TimeoutError("slow"), "not an error"], "many", { cause: new Error("why") });
  const back = roundTrip({ aggregate, untrusted: new UntrustedTaskError("no"), exited: new WorkerExitedError("gone") }) as {
    aggregate: AggregateError;
    untrusted: UntrustedTaskError;
    exited: WorkerExitedError;
  };
  same(back.aggregate, aggregate);
  assert.ok(back.aggregate instanceof AggregateError);
  assert.equal(back.aggregate.errors.length, 3);
  assert.ok(back.aggregate.errors[0] instanceof RangeError);
  assert.equal((back.aggregate.errors[0] as unknown as { code: string }).code, "E_INNER");
  assert.ok(back.aggregate.errors[1] instanceof TimeoutError);
  assert.equal((back.aggregate.errors[1] as TimeoutError).code, "ERR_TIMEOUT");
  assert.ok(back.untrusted instanceof UntrustedTaskError);
  assert.ok(back.exited instanceof WorkerExitedError);
  assert.equal(back.exited.code, "ERR_WORKER_EXITED");
});

test("codec: what it cannot carry is a TypeError naming the path", () => {
  class Point {
    constructor(readonly x: number) {}
  }
  const cases: [unknown, string][] = [
    [{ a: [1, { f: () => 1 }] }, "a[1].f"],
    [[Symbol("s")], "[0]"],
    [Symbol("top"), ""],
    [() => 1, ""],
    [{ "odd key": new Point(1) }, '["odd key"]'],
    [new Map([[1, new WeakMap()]]), "<value 0>"],
    [new Set([1, Promise.resolve()]), "<item 1>"],
    [{ e: Object.assign(new Error("x"), { socket: () => 0 }) }, "e.socket"],
  ];
  for (const [value, path] of cases) {
    assert.throws(() => encode(value), (error: unknown) => {
      assert.ok(error instanceof TypeError, String(error));
      if (path) assert.ok(error.message.includes(` at ${path} `), `${error.message} names ${path}`);
      return true;
    });
  }
});

// ---- the properties -------------------------------------------------------------------

const TYPED = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];

const key = fc.oneof(fc.constantFrom("__proto__", "$", "v", "constructor", "0", "a b"), fc.string({ maxLength: 4 }));
const view = fc
  .tuple(fc.nat(4), fc.nat(TYPED.length), fc.nat(2), fc.uint8Array({ minLength: 48, maxLength: 48 }))
  .map(([count, t, offset, bytes]) => {
    if (t === TYPED.length) return new DataView(bytes.buffer, offset, count);
    const Class = TYPED[t]!;
    return new Class(bytes.buffer, offset * Class.BYTES_PER_ELEMENT, count);
  });
const leaf = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.double(), // NaN, ±Infinity and -0 included
  fc.integer(),
  fc.bigInt(),
  fc.constant(undefined),
  fc.constant(null),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(/x/g, /[a-z]+\d?/iu, /$^/m).map((r) => new RegExp(r.source, r.flags)),
  fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.bigInt()).map((p) => Object(p) as object),
  fc.uint8Array({ maxLength: 8 }).map((b) => b.buffer),
  view,
  // Two views of one buffer.
  view.map((v) => [v, new Uint8Array(v.buffer, 1, 2)]),
);
const ERRORS = { Error, TypeError, RangeError, SyntaxError, TimeoutError, UntrustedTaskError };

const { value } = fc.letrec<{ value: unknown; container: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, tie("container")),
  container: fc.oneof(
    fc.array(tie("value"), { maxLength: 4 }),
    fc.sparseArray(tie("value"), { maxLength: 6, noTrailingHole: false }),
    fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }).map((entries) => {
      const out = {};
      for (const [k, v] of entries) put(out, k, v);
      return out;
    }),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(tie("value"), { maxLength: 3 }).map((items) => new Set(items)),
    fc
      .record({
        kind: fc.constantFrom(...(Object.keys(ERRORS) as (keyof typeof ERRORS)[]), "AggregateError" as const),
        message: fc.string({ maxLength: 6 }),
        fields: fc.array(fc.tuple(fc.constantFrom("code", "detail", "errno"), tie("value")), { maxLength: 2 }),
        cause: fc.option(tie("value"), { nil: undefined }),
        errors: fc.array(tie("value"), { maxLength: 2 }),
      })
      .map(({ kind, message, fields, cause, errors }) => {
        const options = cause === undefined ? undefined : { cause };
        const error = kind === "AggregateError" ? new AggregateError(errors, message, options) : new ERRORS[kind](message, options);
        for (const [k, v] of fields) put(error, k, v);
        return error;
      }),
  ),
}));

/** All objects in `v` that can hold a reference, in a stable order. */
function containers(v: unknown, out: object[] = [], seen = new Set<unknown>()): object[] {
  if (typeof v !== "object" || v === null || seen.has(v)) return out;
  seen.add(v);
  if (v instanceof Map || v instanceof Set || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype) out.push(v);
  const children = v instanceof Map ? [...v].flat() : v instanceof Set ? [...v] : Object.values(v);
  for (const c of children) containers(c, out, seen);
  return out;
}

/** `v` with one extra edge from container `i` to container `j`: a shared object or a cycle. */
function link(v: unknown, i: number, j: number): unknown {
  const all = containers(v);
  if (all.length === 0) return v;
  const from = all[i % all.length]!;
  const to = all[j % all.length]!;
  if (from instanceof Map) from.set("link", to);
  else if (from instanceof Set) from.add(to);
  else if (Array.isArray(from)) from.push(to);
  else put(from, "link", to);
  return v;
}

const hasError = (v: unknown): boolean => {
  if (typeof v !== "object" || v === null) return false;
  return v instanceof Error || containers(v).some((c) => (c instanceof Map ? [...c].flat() : c instanceof Set ? [...c] : Object.values(c)).some((x) => x instanceof Error));
};

test("property: decode(encode(v)) is exactly structuredClone(v) (errors: exactly v)", () => {
  const linked = fc.tuple(value, fc.nat(), fc.nat(), fc.boolean()).map(([v, i, j, doLink]) => (doLink ? link(v, i, j) : v));
  fc.assert(
    fc.property(linked, (v) => {
      const back = roundTrip(v);
      // Structured clone drops an error's own fields and AggregateError.errors on V8; the
      // codec keeps them, so a value with errors is compared with itself.
      same(back, hasError(v) ? v : structuredClone(v));
    }),
    { seed, numRuns: runs },
  );
});

test("property: a value it cannot carry, anywhere, is a TypeError naming its path", () => {
  class Opaque {
    x = 1;
  }
  const badValue = fc.constantFrom<() => unknown>(
    () => () => 1,
    () => Symbol("s"),
    () => new Opaque(),
    () => new WeakMap(),
    () => Promise.resolve(1),
  );
  const step = fc.oneof(
    fc.constantFrom("a", "b1", "$").map((k) => ({ key: k, part: `.${k}` })),
    fc.constantFrom("a b", "").map((k) => ({ key: k, part: `[${JSON.stringify(k)}]` })),
    fc.nat(3).map((i) => ({ key: i, part: `[${i}]` })),
  );
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 4 }), badValue, value, (steps, bad, filler) => {
      // Build the containers from the inside out, with other data beside the bad value.
      let v: unknown = bad();
      for (let s = steps.length - 1; s >= 0; s--) {
        const { key } = steps[s]!;
        if (typeof key === "number") {
          const arr: unknown[] = Array.from({ length: key }, () => filler);
          arr.push(v);
          v = arr;
        } else {
          const obj: Record<string, unknown> = {};
          put(obj, key, v);
          v = obj;
        }
      }
      const path = steps.map((s) => s.part).join("").replace(/^\./, "");
      try {
        encode(v);
      } catch (error) {
        assert.ok(error instanceof TypeError, String(error));
        assert.ok(error.message.includes(` at ${path} `), `"${error.message}" names ${path}`);
        return;
      }
      assert.fail("encode accepted a value it cannot carry");
    }),
    { seed, numRuns: runs / 4 },
  );
});
