// Deno fires no event when a worker ends itself (Deno.exit(), process.exit(), self.close()):
// the host's Worker just goes quiet (ext/runtime/js/11_workers.js handles the worker's
// "close" control message without dispatching anything). So the worker entry posts this
// notice just before it goes, and the host adapter turns it into `exit`. Core's protocol
// messages are always arrays, so a plain object is never mistaken for one of them.

const KEY = "@concurrent/deno";

export interface ExitNotice {
  readonly [KEY]: "exit";
  readonly code: number;
}

export function exitNotice(code: number): ExitNotice {
  return { [KEY]: "exit", code };
}

export function isExitNotice(data: unknown): data is ExitNotice {
  return typeof data === "object" && data !== null && (data as Partial<ExitNotice>)[KEY] === "exit";
}
