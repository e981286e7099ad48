// Types of the repo's JavaScript test harness (packages/testkit/src/*.mjs).
declare module "@concurrent/testkit/redis" {
  export interface RedisServer {
    url: string;
    host: string;
    port: number;
    pid: number | undefined;
    external: boolean;
    stop(): Promise<void>;
  }
  export function startRedis(options?: { args?: string[]; timeout?: number }): Promise<RedisServer>;
  export function freePort(): Promise<number>;
  export function findRedisServer(): Promise<string>;
}
declare module "@concurrent/testkit/runtimes" {
  export function runtimes(): { name: string; runtime: "node" | "bun" | "deno"; bin: string | undefined; why?: string }[];
  export function machineNode(): string;
}
