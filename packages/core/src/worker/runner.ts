// The worker side of the pool: runs the calls the host sends, in order, and answers with
// batched results. Runtime-agnostic: each adapter's worker entry hands it a WorkerPort.
import {
  CALL_WIDTH,
  cloneableResults,
  CTRL_FINISHED,
  CTRL_STARTED,
  H_ABORT,
  H_BATCH,
  H_INIT,
  H_STREAM_CLOSE,
  H_STREAM_CREDIT,
  OP_CALL1,
  OP_CHUNK,
  OP_FUNCTION,
  OP_STREAM,
  S_CHUNK_ERROR,
  S_ERROR,
  S_OK,
  S_STREAM_CLOSED,
  W_INIT_FAILED,
  W_READY,
  W_RESULTS,
  W_UNCAUGHT,
  decodeBatch,
  decodeStreamCall,
  deserializeError,
  encodeResult,
  serializeError,
  startedAtView,
  type SerializedError,
  type TaskSpec,
} from "../protocol.js";
import { currentSignal, setCurrentCall } from "../context.js";
import { RunningCall } from "./call.js";
import { capturedVariableError, compileFunction } from "../tasks.js";
import { isThenable } from "../thenable.js";
import { loadExport } from "./modules.js";
import type { WorkerPort } from "./port.js";
import { WorkerStream } from "./stream.js";

type Fn = (...args: unknown[]) => unknown;

// Results wait this long at most for company before they are posted.
const FLUSH_MS = 1;
// Calls slower than this on average are answered one by one: a message costs a few µs,
// negligible next to the call, and the host learns of each result at once.
const SLOW_CALL_MS = 0.05;

/** Runs tasks for a pool on the far side of `port`. Called once by a worker entry. */
export function runWorker(port: WorkerPort): void {
  let ctrl: Int32Array | undefined;
  let startedAt: Float64Array | undefined;
  const origin = performance.timeOrigin;
  // Calls are numbered in the order they arrive (H_ABORT names them so): `nextSeq` is the
  // next one to start; `aborted` holds calls aborted before they started (they never run).
  let nextSeq = 0;
  const aborted = new Map<number, unknown>();
  const call = new RunningCall();
  // Functions by id: compiled, imported (a promise until the import settles), or failed.
  const fns: (Fn | Promise<Fn> | { error: unknown })[] = [];
  const fromSource: boolean[] = [];
  // Call records waiting to run, as they came (see decodeBatch; defines are applied on arrival).
  let work: unknown[] = [];
  let head = 0;
  let running = false;
  let out: unknown[] = [W_RESULTS];
  // The numbers written at every call are fields, which V8 updates in place (a fraction held
  // in a closure variable is a new heap number at each write). `end`: when the last call
  // finished, while nothing has run since (the next call starts then: one clock read a
  // call), else −1.
  const clock = { avgMs: 0, lastFlush: performance.now(), end: -1 };
  // The stream running now, and streams the host closed before they started.
  let stream: WorkerStream | undefined;
  const closedEarly = new Set<number>();

  port.onUncaught((error) => {
    flush();
    port.post([W_UNCAUGHT, serializeError(error)]);
    port.exit(1);
  });

  function flush(): void {
    if (out.length === 1) return;
    const message = out;
    out = [W_RESULTS];
    clock.lastFlush = performance.now();
    clock.end = -1;
    try {
      port.post(message);
    } catch (error) {
      port.post(cloneableResults(message, error));
    }
  }

  function define(op: number, id: number, a: unknown, b: unknown): void {
    if (op === OP_FUNCTION) {
      fromSource[id] = true;
      try {
        fns[id] = compileFunction(a as string, { currentSignal });
      } catch (error) {
        fns[id] = { error };
      }
    } else {
      fromSource[id] = false;
      const loading = loadExport(a as string, b as string).then(
        (fn) => (fns[id] = fn),
        (error: unknown) => {
          fns[id] = { error };
          return Promise.reject(error);
        },
      );
      loading.catch(() => {}); // reported by the call that uses it
      fns[id] = loading;
    }
  }

  function fail(id: number, error: unknown): unknown {
    return serializeError((fromSource[id] && capturedVariableError(error)) || error);
  }

  function finishCall(status: number, value: unknown, started: number): void {
    const now = performance.now();
    const ms = now - started;
    call.finish();
    setCurrentCall(undefined);
    const avgMs = (clock.avgMs = clock.avgMs * 0.8 + ms * 0.2);
    Atomics.add(ctrl!, CTRL_FINISHED, 1);
    encodeResult(out, status, value, ms);
    clock.end = now;
    if (avgMs > SLOW_CALL_MS || now - clock.lastFlush >= FLUSH_MS) flush();
  }

  function runChunk(fn: Fn, id: number, items: unknown[]): { status: number; value: unknown } | Promise<{ status: number; value: unknown }> {
    const values: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      let value: unknown;
      try {
        value = fn(items[i]);
      } catch (error) {
        return { status: S_CHUNK_ERROR, value: [values, fail(id, error)] };
      }
      if (isThenable(value)) return finishChunk(fn, id, items, i, values, value);
      values.push(value);
    }
    return { status: S_OK, value: values };
  }

  async function finishChunk(fn: Fn, id: number, items: unknown[], from: number, values: unknown[], first: PromiseLike<unknown>) {
    let i = from;
    try {
      values.push(await first);
      for (i = from + 1; i < items.length; i++) values.push(await fn(items[i]));
    } catch (error) {
      return { status: S_CHUNK_ERROR, value: [values, fail(id, error)] };
    }
    return { status: S_OK, value: values };
  }

  // Runs queued calls in order; returns as soon as one must wait (an import, a promise),
  // and is called again when it settles.
  function drain(): void {
    running = true;
    while (head < work.length) {
      const op = work[head] as number;
      const id = work[head + 1] as number;
      const payload = work[head + 2] as unknown[];
      const fn = fns[id];
      if (fn instanceof Promise) {
        flush();
        fn.then(drain, drain);
        return;
      }
      head += CALL_WIDTH;
      const seq = nextSeq++;
      const started = clock.end >= 0 ? clock.end : performance.now();
      clock.end = -1;
      if (aborted.size > 0 && aborted.has(seq)) {
        // Aborted before it started: it never runs. Its future is settled already.
        const reason = serializeError(aborted.get(seq));
        aborted.delete(seq);
        Atomics.add(ctrl!, CTRL_STARTED, 1);
        finishCall(op === OP_CHUNK ? S_CHUNK_ERROR : S_ERROR, op === OP_CHUNK ? [[], reason] : reason, started);
        continue;
      }
      startedAt![0] = origin + started;
      Atomics.add(ctrl!, CTRL_STARTED, 1);
      call.start(seq);
      setCurrentCall(call);
      if (typeof fn !== "function") {
        const error = fn === undefined ? new Error(`task function ${id} was never defined`) : fn.error;
        finishCall(op === OP_CHUNK ? S_CHUNK_ERROR : S_ERROR, op === OP_CHUNK ? [[], fail(id, error)] : fail(id, error), started);
        continue;
      }
      if (op === OP_STREAM) {
        // Earlier results leave first: the host reads frames as the stream's, the call at
        // the head of its in-flight list.
        flush();
        if (closedEarly.delete(seq)) {
          finishCall(S_STREAM_CLOSED, undefined, started);
          continue;
        }
        runStream(fn, id, decodeStreamCall(payload), seq).then((r) => {
          finishCall(r.status, r.value, started);
          flush();
          drain();
        });
        return;
      }
      if (op === OP_CHUNK) {
        const result = runChunk(fn, id, payload);
        if (result instanceof Promise) {
          flush();
          result.then((r) => {
            finishCall(r.status, r.value, started);
            drain();
          });
          return;
        }
        finishCall(result.status, result.value, started);
        continue;
      }
      let value: unknown;
      try {
        value = op === OP_CALL1 ? fn(payload) : fn(...payload);
      } catch (error) {
        finishCall(S_ERROR, fail(id, error), started);
        continue;
      }
      if (isThenable(value)) {
        flush();
        value.then(
          (v) => {
            finishCall(S_OK, v, started);
            drain();
          },
          (error: unknown) => {
            finishCall(S_ERROR, fail(id, error), started);
            drain();
          },
        );
        return;
      }
      finishCall(S_OK, value, started);
    }
    work = [];
    head = 0;
    running = false;
    clock.end = -1;
    flush();
  }

  function onBatch(message: unknown[]): void {
    decodeBatch(message, define, work);
    if (!running) drain();
  }

  // The running call hears it through currentSignal(); a call not yet started is skipped when
  // its turn comes; a finished one is left alone.
  function onAbort(seq: number, reason: unknown): void {
    if (seq === call.seq) {
      call.abort(reason);
      // A stream stops at its next step: its iterator's return() runs here.
      if (stream !== undefined && stream.seq === seq) stream.close();
    } else if (seq >= nextSeq) aborted.set(seq, reason);
  }

  async function runStream(fn: Fn, id: number, [args, highWaterMark, cells]: [unknown[], number, Int32Array?], seq: number): Promise<{ status: number; value: unknown }> {
    const s = (stream = new WorkerStream(seq, highWaterMark, port, cells));
    try {
      return await s.run(fn, args, (error) => fail(id, error));
    } finally {
      stream = undefined;
    }
  }

  function onStreamClose(seq: number): void {
    if (stream !== undefined && stream.seq === seq) stream.close();
    else if (seq >= nextSeq) closedEarly.add(seq);
  }

  async function init(spec: TaskSpec | null, args: unknown[]): Promise<void> {
    if (spec === null) return;
    const fn = "source" in spec ? compileFunction(spec.source, { currentSignal }) : await loadExport(spec.url, spec.name);
    await fn(...args);
  }

  port.listen((data) => {
    const message = data as unknown[];
    if (message[0] === H_BATCH) {
      onBatch(message);
    } else if (message[0] === H_ABORT) {
      onAbort(message[1] as number, deserializeError(message[2] as SerializedError));
    } else if (message[0] === H_STREAM_CREDIT) {
      if (stream !== undefined && stream.seq === message[1]) stream.grant(message[2] as number);
    } else if (message[0] === H_STREAM_CLOSE) {
      onStreamClose(message[1] as number);
    } else if (message[0] === H_INIT) {
      ctrl = message[1] as Int32Array;
      startedAt = startedAtView(ctrl);
      init(message[2] as TaskSpec | null, (message[3] as unknown[]) ?? []).then(
        () => port.post([W_READY]),
        (error: unknown) => port.post([W_INIT_FAILED, serializeError(error)]),
      );
    }
  });
}
