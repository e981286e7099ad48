// Placeholder: the build replaces dist/worker-source.js with this adapter's worker module
// (worker.ts and everything it imports) bundled into one string, which the adapter starts
// its workers from when its own files are not beside it (a bundled or compiled program).
// Empty here, so the TypeScript sources (JSR) load their worker by URL.
export const workerSource: string = "";
