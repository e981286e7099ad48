import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { selfCommand } from "./runtime.js";
import type { BenchName, PeerName } from "../peers/adapter.js";
import { REPLY_PREFIX, type PeerReply } from "./peer-protocol.js";

export type PeerState = "ok" | "failed" | "timeout" | "unsupported";

/**
 * A peer in its own child process on this same runtime. Every call has a time limit; when one
 * runs out the child is killed and the peer is finished for the run (state "timeout"); a child
 * that dies or answers with an error is "failed". Either way the run goes on.
 */
export class PeerProcess {
  readonly peer: PeerName;
  state: PeerState = "ok";
  error: string | undefined;
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (r: PeerReply) => void>();
  #nextId = 1;
  #stderr = "";

  constructor(peer: PeerName) {
    this.peer = peer;
    const [bin, args] = selfCommand(fileURLToPath(new URL("../entries/peer-process.js", import.meta.url)), []);
    this.#child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let buffered = "";
    this.#child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith(REPLY_PREFIX)) continue;
        const r = JSON.parse(line.slice(REPLY_PREFIX.length)) as PeerReply;
        this.#waiting.get(r.id)?.(r);
        this.#waiting.delete(r.id);
      }
    });
    this.#child.stderr!.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-2000);
    });
    this.#child.on("exit", (code, signal) => {
      if (this.state === "ok") this.state = "failed";
      const why = `the peer process exited (${code ?? signal})${this.#stderr ? `: ${this.#stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`;
      this.error ??= why;
      for (const resolve of this.#waiting.values()) resolve({ id: 0, ok: false, error: why });
      this.#waiting.clear();
    });
  }

  #call(command: object, timeoutMs: number): Promise<PeerReply> {
    if (this.state !== "ok") return Promise.resolve({ id: 0, ok: false, error: this.error ?? this.state });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        this.state = "timeout";
        this.error = `no answer within ${timeoutMs} ms (killed)`;
        this.#child.kill("SIGKILL");
        resolve({ id, ok: false, error: this.error });
      }, timeoutMs);
      this.#waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.#child.stdin!.write(JSON.stringify({ ...command, id }) + "\n");
    });
  }

  /** Starts the peer's pool; on failure the peer is finished for the run. */
  async start(workers: number, cpus: number, timeoutMs: number): Promise<boolean> {
    const r = await this.#call({ cmd: "start", peer: this.peer, workers, cpus }, timeoutMs);
    if (!r.ok && this.state === "ok") {
      this.state = "failed";
      this.error = r.error ?? "failed to start";
    }
    return r.ok;
  }

  /** Times `bench(...args)` in the child: the samples (ms), or the error. */
  async bench(bench: BenchName, args: number[], expect: number, o: { iterations: number; timeMs: number; warmup: number; timeoutMs: number }): Promise<{ samples: number[] } | { error: string }> {
    const r = await this.#call({ cmd: "bench", bench, args, expect, iterations: o.iterations, timeMs: o.timeMs, warmup: o.warmup }, o.timeoutMs);
    return r.ok && r.samples ? { samples: r.samples } : { error: r.error ?? "failed" };
  }

  /** Calls `module.fn(...args)` (a path relative to dist/peers/) in the child: its JSON result. */
  async callFunction(module: string, fn: string, args: unknown[], timeoutMs: number): Promise<{ value: unknown } | { error: string }> {
    const r = await this.#call({ cmd: "call", module, fn, args }, timeoutMs);
    return r.ok ? { value: r.value } : { error: r.error ?? "failed" };
  }

  /** Shuts the peer down (bounded); kills it if that does not finish. */
  async close(): Promise<void> {
    if (this.state === "ok") await this.#call({ cmd: "close" }, 5000);
    this.#child.kill("SIGKILL");
  }
}
