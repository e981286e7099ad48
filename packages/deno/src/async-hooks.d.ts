// Deno has node:async_hooks built in; this package builds without @types/node, so the one
// class it uses is declared here (the part core's AsyncContext needs).
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R, A extends unknown[]>(store: T, fn: (...args: A) => R, ...args: A): R;
    getStore(): T | undefined;
  }
}
