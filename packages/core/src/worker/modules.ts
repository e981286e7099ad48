// Module tasks: the worker imports the module once and calls the named export.
import { shortenEmbeddedUrls } from "../pool/worker-entry.js";
type Fn = (...args: unknown[]) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();

export async function loadExport(url: string, name: string): Promise<Fn> {
  let loading = modules.get(url);
  if (!loading) {
    loading = import(url).catch((error: unknown) => {
      modules.delete(url);
      throw new Error(`the task module "${url}" could not be loaded in the worker: ${describeLoadError(url, error)}`, { cause: error });
    }) as Promise<Record<string, unknown>>;
    modules.set(url, loading);
  }
  const mod = await loading;
  const fn = mod[name];
  if (typeof fn !== "function") {
    const exports = Object.keys(mod).filter((k) => typeof mod[k] === "function");
    throw new TypeError(
      `the task module "${url}" has no function export named "${name}"` +
        (exports.length ? ` (its function exports: ${exports.join(", ")})` : " (it exports no functions)"),
    );
  }
  return fn as Fn;
}

/**
 * The runtime's reason, with what to do for the cases users meet. Recognised by message and
 * code only: core imports no runtime.
 */
export function describeLoadError(url: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  // A worker started from the embedded copy (a bundled program) is a data: URL, which
  // runtimes name as the importer.
  let message = shortenEmbeddedUrls(String((error as Error)?.message ?? error));
  // Node 20 (and Node 22.6-23.5 without --experimental-strip-types) cannot import TypeScript.
  if (/\.[cm]?ts([?#]|$)/.test(url) && (code === "ERR_UNKNOWN_FILE_EXTENSION" || /Unknown file extension "\.[cm]?ts"/.test(message))) {
    message +=
      ". TypeScript task modules need Node >= 22.6 with --experimental-strip-types (on by default from Node 23.6), " +
      "or Bun, or Deno; on this Node, compile the task file to JavaScript (tsc) and pass taskModule the .js file's URL";
  }
  // `bun build --compile` puts only its entry points in the executable (under /$bunfs/).
  if (url.includes("/$bunfs/")) {
    message +=
      ". In an executable from `bun build --compile`, name the task module as an entry point too " +
      "(bun build --compile ./main.ts ./tasks.ts), or load it from a file beside the executable";
  }
  return message;
}
