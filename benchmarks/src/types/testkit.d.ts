// @concurrent/testkit is plain .mjs; this is the part of it the benchmarks use.
declare module "@concurrent/testkit/runtimes" {
  export function machineNode(): string;
  export function runtimes(): { name: string; runtime: "node" | "bun" | "deno"; bin: string | undefined; why?: string }[];
}
declare module "@concurrent/testkit/redis" {
  export function startRedis(options?: Record<string, unknown>): Promise<{ url: string; port: number; stop(): Promise<void> }>;
}
