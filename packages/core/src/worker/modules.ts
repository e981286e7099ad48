// Module tasks: the worker imports the module once and calls the named export.
type Fn = (...args: unknown[]) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();

export async function loadExport(url: string, name: string): Promise<Fn> {
  let loading = modules.get(url);
  if (!loading) {
    loading = import(url).catch((error: unknown) => {
      modules.delete(url);
      throw new Error(`the task module "${url}" could not be loaded in the worker: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
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
