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
export type { Json } from "./codec/values.js";
export { encode } from "./codec/encode.js";
export { decode } from "./codec/decode.js";
