// The one wire format between QueueExecutor and QueueWorker, so the two cannot drift.
//
// A job's data is `{ p, s? }`: `p` is the payload as a JSON string, `s` its HMAC-SHA256
// (hex) when the executor has a secret. The worker verifies the exact string before it
// parses it. The payload:
//
//   { v: 1, t: ["f", source] | ["m", url, name], a: [arg, …] }     one call (submit)
//   { v: 1, t: …,                                c: [item, …] }    one chunk of map
//   { v: 1, t: …, a: [arg, …], s: highWaterMark }                  one stream (see stream.ts)
//
// A call submitted with `submitWith` carries `o: { t?: timeout, g?: grace, q?: queueTimeout }`
// (ms, finite numbers only): the worker then runs it under a signal the producer can abort (see
// abort.ts), with that run-time timeout and grace enforced where it runs.
//
// A job's return value is the encoded result (submit) or the array of encoded results
// (chunk). A failed job throws an Error whose message is the task's message (what BullMQ
// dashboards show) and whose `stack` is `MARK + JSON` of `{ e: encodedError, b?: [values
// before the failing item] }`; BullMQ keeps it in the job's `stacktrace`, where the executor
// reads it back with name, code, stack and own fields intact.
import { UntrustedTaskError } from "@concurrent/core";
import { completeError, createError, errorParts, functionSource, isErrorLike, isModuleTask } from "@concurrent/core/kit";
import { decode, encode, type Json } from "./codec.js";
import { sign, verify } from "./sign.js";

export const VERSION = 1;
/** Marks a `stacktrace` entry written by our worker. */
export const MARK = "@concurrent/bullmq:error:";

export type TaskRef = readonly ["f", string] | readonly ["m", string, string];

export interface Payload {
  v: number;
  t: TaskRef;
  a?: Json[];
  c?: Json[];
  /** A stream's highWaterMark: the job streams its values (see stream.ts). */
  s?: number;
  /** submitWith's limits: run-time timeout and grace, ms. */
  o?: CallLimits;
}

export interface CallLimits {
  t?: number;
  g?: number;
  q?: number;
}

export interface JobData {
  p: string;
  s?: string;
}

/** The wire form of a task: a function by its source, or a module task by url and export name. */
const refs = new WeakMap<object, TaskRef>();

export function taskRef(fn: unknown): TaskRef {
  if (isModuleTask(fn)) return ["m", fn.url, fn.name];
  if (typeof fn === "function") {
    // The same function is usually submitted many times: read its source once.
    let ref = refs.get(fn);
    if (!ref) refs.set(fn, (ref = ["f", functionSource(fn as (...args: never[]) => unknown)]));
    return ref;
  }
  throw new TypeError(`a task must be a function or a module task (taskModule), got ${fn === null ? "null" : typeof fn}`);
}

/** The payload string. An uncodable argument throws a TypeError here, so `submit` fails that future at once. */
export function encodePayload(task: TaskRef, args: unknown[] | undefined, items: unknown[] | undefined, limits?: CallLimits, highWaterMark?: number): string {
  const payload: Payload = { v: VERSION, t: task };
  if (limits !== undefined) payload.o = limits;
  if (highWaterMark !== undefined) payload.s = highWaterMark;
  if (items !== undefined) payload.c = items.map((item, i) => encodeArg(item, `item ${i}`));
  else payload.a = (args ?? []).map((arg, i) => encodeArg(arg, `argument ${i}`));
  return JSON.stringify(payload);
}

export async function signPayload(p: string, secret: string | undefined): Promise<JobData> {
  return secret === undefined ? { p } : { p, s: await sign(secret, p) };
}

function encodeArg(value: unknown, what: string): Json {
  try {
    return encode(value);
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Read and check a job's data on the worker.
 * @throws {UntrustedTaskError} when a secret is set and the signature does not verify.
 */
export async function openJobData(data: unknown, secret: string | undefined): Promise<Payload> {
  const job = data as Partial<JobData> | null;
  if (job === null || typeof job !== "object" || typeof job.p !== "string") {
    throw new UntrustedTaskError("the job was not written by @concurrent/bullmq (no payload): refused");
  }
  if (secret !== undefined) {
    if (job.s === undefined) throw new UntrustedTaskError("the job is not signed and this worker has a secret: refused");
    if (!(await verify(secret, job.p, job.s))) {
      throw new UntrustedTaskError("the job's signature does not verify with this worker's secret: refused");
    }
  }
  let payload: Payload;
  try {
    payload = JSON.parse(job.p) as Payload;
  } catch (error) {
    throw new UntrustedTaskError("the job's payload is not valid JSON: refused", { cause: error });
  }
  if (payload.v !== VERSION) {
    throw new UntrustedTaskError(`the job uses wire format v${String(payload.v)}, this worker reads v${VERSION}: refused`);
  }
  const t = payload.t;
  const ok =
    Array.isArray(t) &&
    ((t[0] === "f" && typeof t[1] === "string") || (t[0] === "m" && typeof t[1] === "string" && typeof t[2] === "string"));
  const o = payload.o as Record<string, unknown> | undefined;
  const limitsOk =
    o === undefined ||
    (o !== null && typeof o === "object" && ["t", "g", "q"].every((k) => o[k] === undefined || (typeof o[k] === "number" && (o[k] as number) >= 0)));
  const stream = payload.s === undefined || (Number.isInteger(payload.s) && payload.s >= 1 && payload.c === undefined);
  if (!ok || !limitsOk || !stream || (payload.a === undefined) === (payload.c === undefined)) {
    throw new UntrustedTaskError("the job's payload is malformed: refused");
  }
  return payload;
}

export function decodeArgs(values: Json[]): unknown[] {
  return values.map(decode);
}

// ---- errors -----------------------------------------------------------------------------

/** An Error for BullMQ to record: the task's message, with the full error in `stack`. */
export function wireError(error: unknown, before?: unknown[]): Error {
  const e = encodeError(isErrorLike(error) ? error : new Error(`the task threw a non-Error value: ${String(error)}`, { cause: error }));
  let b: Json[] | undefined;
  if (before !== undefined) b = before.map((v) => encode(v));
  const out = new Error(isErrorLike(error) ? error.message : String(error));
  // BullMQ treats an error named UnrecoverableError as final (no retries): a refused job
  // must never be tried again.
  if (error instanceof UntrustedTaskError) out.name = "UnrecoverableError";
  out.stack = MARK + JSON.stringify(b === undefined ? { e } : { e, b });
  return out;
}

// A thrown error must reach the caller even when a field or its cause cannot travel (a
// socket, a function): those become their text, as on the worker pool.
function encodeError(error: Error): Json {
  try {
    return encode(error);
  } catch {
    const parts = errorParts(error);
    const safe = (value: unknown): unknown => {
      try {
        encode(value);
        return value;
      } catch {
        return String(value);
      }
    };
    for (const key of Object.keys(parts.fields)) parts.fields[key] = safe(parts.fields[key]);
    if (parts.hasCause) parts.cause = safe(parts.cause);
    if (parts.errors) parts.errors = parts.errors.map(safe);
    try {
      return encode(completeError(createError(parts.name, parts.message), parts));
    } catch {
      return encode(new Error(String(error)));
    }
  }
}

/**
 * The task error carried in a job's stacktrace entry, or undefined if the entry is not ours.
 * Error classes come back as themselves (core's one error implementation), so
 * `instanceof UntrustedTaskError` holds.
 */
export function readWireError(entry: unknown): { error: unknown; before?: unknown[] } | undefined {
  if (typeof entry !== "string" || !entry.startsWith(MARK)) return undefined;
  let parsed: { e: Json; b?: Json[] };
  try {
    parsed = JSON.parse(entry.slice(MARK.length)) as { e: Json; b?: Json[] };
  } catch {
    return undefined;
  }
  const error = decode(parsed.e);
  return parsed.b === undefined ? { error } : { error, before: parsed.b.map(decode) };
}
