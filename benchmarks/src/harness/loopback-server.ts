import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ServerOptions {
  /** The degrading server's starting capacity C. */
  capacity?: number;
  /** The degrading server's base latency, ms. */
  baseMs?: number;
  /** The degrading server's stall latency, ms. */
  stallMs?: number;
}

/** A running entries/http-server.js process. */
export class LoopbackServer {
  readonly #child: ChildProcess;
  readonly origin: string;

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.origin = `http://127.0.0.1:${port}`;
  }

  /** Starts the server on Node (`BENCH_NODE` or the `node` on PATH) whatever runtime we are. */
  static start(options: ServerOptions = {}): Promise<LoopbackServer> {
    const script = fileURLToPath(new URL("../entries/http-server.js", import.meta.url));
    const args = [script, "--capacity", String(options.capacity ?? 16), "--base", String(options.baseMs ?? 10), "--stall", String(options.stallMs ?? 2000)];
    const child = spawn(process.env.BENCH_NODE ?? "node", args, { stdio: ["pipe", "pipe", "inherit"] });
    return new Promise((resolve, reject) => {
      let buffered = "";
      const timer = setTimeout(() => reject(new Error("the loopback server did not start within 10 s")), 10_000);
      child.once("error", reject);
      child.stdout!.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const line = buffered.split("\n")[0];
        if (!buffered.includes("\n") || line === undefined) return;
        clearTimeout(timer);
        resolve(new LoopbackServer(child, (JSON.parse(line) as { port: number }).port));
      });
    });
  }

  sleepUrl(ms: number): string {
    return `${this.origin}/sleep?ms=${ms}`;
  }

  get workUrl(): string {
    return `${this.origin}/work`;
  }

  async setCapacity(c: number): Promise<void> {
    await (await fetch(`${this.origin}/capacity?c=${c}`)).text();
  }

  async stats(): Promise<{ inFlight: number; served: number; capacity: number }> {
    return (await (await fetch(`${this.origin}/stats`)).json()) as { inFlight: number; served: number; capacity: number };
  }

  /** Waits until nothing is in flight on the degrading server, so one case's tail cannot load the next. */
  async drain(timeoutMs = 10_000): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (performance.now() < end && (await this.stats()).inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  }

  close(): void {
    this.#child.stdin?.end();
    this.#child.kill();
  }
}
