// The entry for the "types" and "default" conditions. Runtimes pick their own entry by
// export condition (deno, bun, node); one that matches none gets Node's worker_threads
// adapter, the most widely emulated. Every entry has exactly these exports.
export * from "./node.js";
