// The two forms of a task that crosses to another isolate (worker pool, queue workers):
// a self-contained function sent by its source text, or a reference to a module export.
import { currentSignal } from "./context.js";

declare const SIGNATURE: unique symbol;

/** A reference to the export `name` of the module at `url`, typed as that export. */
export interface ModuleTask<A extends unknown[], R> {
  /** The module's URL (or bare specifier), as the worker imports it. */
  readonly url: string;
  /** The export to call. */
  readonly name: string;
  /** Type-level only: the export's signature, so `submit` infers arguments and result. */
  readonly [SIGNATURE]?: (...args: A) => R;
}

/** Every function export of module `M` as a {@link ModuleTask}. */
export type TaskModule<M> = {
  readonly [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: M[K] extends (...args: infer A) => infer R
    ? ModuleTask<A, R>
    : never;
};

const MODULE_TASK = Symbol.for("@concurrent/futures.moduleTask");

/**
 * Typed references to the exports of a task module, for executors that run tasks in other
 * isolates: `const tasks = taskModule<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url))`,
 * then `pool.submit(tasks.fib, 30)`. The module is imported by the worker, never here.
 *
 * @param url an absolute URL (`file:`, `https:`, `data:`…) or a bare package specifier the
 *   worker can resolve.
 */
export function taskModule<M>(url: URL | string): TaskModule<M> {
  const href = url instanceof URL ? url.href : url;
  if (typeof href !== "string" || href.length === 0) {
    throw new TypeError(`taskModule expects a URL or a module specifier, got ${String(url)}`);
  }
  if (href.startsWith("./") || href.startsWith("../")) {
    throw new TypeError(
      `taskModule("${href}"): a relative path would resolve against the worker, not this file; use new URL("${href}", import.meta.url)`,
    );
  }
  const cache = new Map<string, ModuleTask<unknown[], unknown>>();
  return new Proxy({} as TaskModule<M>, {
    get(_target, name) {
      if (typeof name !== "string" || name === "then") return undefined;
      let task = cache.get(name);
      if (!task) {
        task = Object.freeze({ url: href, name, [MODULE_TASK]: true }) as ModuleTask<unknown[], unknown>;
        cache.set(name, task);
      }
      return task;
    },
  });
}

/** True for a reference made by {@link taskModule}. */
export function isModuleTask(value: unknown): value is ModuleTask<unknown[], unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MODULE_TASK] === true;
}

/**
 * The source text of a self-contained function, as an expression that evaluates to it,
 * labelled with the function's name (`/*task:NAME*\/ …`) for {@link compileFunction}.
 * Rejects what cannot travel by source: native and bound functions, classes, methods with
 * quoted or computed keys.
 */
export function functionSource(fn: (...args: never[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(
      `cannot send ${fn.name ? `"${fn.name}"` : "this function"} to a worker by source: it is native or bound; wrap it in a self-contained arrow function or use a module task`,
    );
  }
  if (/^class\b/.test(source)) throw new TypeError("cannot send a class as a task; send a function");
  const label = `/*task:${safeName(fn.name)}*/ `;
  // Function and arrow expressions evaluate as they are — but `async(x) { … }` is a method
  // named "async", not an async arrow: only a parse tells the two apart.
  if (/^(async\s*)?function\b/.test(source)) return label + source;
  if (/^(async\s*)?(\(|[\w$]+\s*=>)/.test(source) && !(/^async\s*\(/.test(source) && !parses(source))) return label + source;
  // A method (`{ square(n) { ... } }.square`) prints as `square(n) { ... }`: make it a function.
  // (Bun prints an async generator method as `async* name(…)`.)
  const method = /^(async\b\s*)?(\*?)\s*([\w$]+)\s*\(/.exec(source);
  if (method) {
    const name = RESERVED.has(method[3]!) ? "" : ` ${method[3]}`;
    return `${label}${method[1] ? "async " : ""}function${method[2] ?? ""}${name} ${source.slice(method[0].length - 1)}`;
  }
  throw new TypeError(
    `cannot send this function to a worker by source: ${source.slice(0, 60)} (a method with a quoted or computed name, a getter or setter cannot be rebuilt from its source; use a plain function or a module task)`,
  );
}

// Words a function cannot be named after (a method may be: `{ delete() {} }`).
const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await".split(" "),
);

function parses(source: string): boolean {
  try {
    new Function(`return (${source});`);
    return true;
  } catch {
    return false;
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w$.-]/g, "_") || "anonymous";
}

const LABEL = /^\/\*task:([\w$.-]*)\*\/ /;

/**
 * Compile a function task from its source ({@link functionSource}) in the global scope, as
 * workers do. The code is named `concurrent-task:NAME` (`//# sourceURL`), so a stack trace
 * says which task it came from instead of `eval at …`. It sees globals and its arguments,
 * never the variables of the scope it was written in; the entries of `scope` are in its scope
 * by their names — by default `currentSignal`, so a function task can call it without
 * importing anything.
 * @throws {SyntaxError} if the source does not parse; {TypeError} if it is not a function.
 */
export function compileFunction(source: string, scope: Record<string, unknown> = { currentSignal }): (...args: unknown[]) => unknown {
  const name = LABEL.exec(source)?.[1] || "anonymous";
  // As a property value an arrow takes the task's name (named evaluation), so it keeps it in
  // stack frames and when sent on again; a named function keeps its own. `scope`'s entries
  // are in scope by their names (parameters of the wrapper).
  const key = JSON.stringify(name);
  const body = `return ({ ${key}: (${source}) })[${key}];\n//# sourceURL=concurrent-task:${name}`;
  const fn = new Function(...Object.keys(scope), body)(...Object.values(scope)) as (...args: unknown[]) => unknown;
  if (typeof fn !== "function") throw new TypeError("the task's source is not a function");
  return fn;
}

/**
 * A worker-side hint for the error a function sent by source throws when it uses a variable
 * from the scope it was written in (it is compiled in the worker's global scope).
 */
export function capturedVariableError(error: unknown): Error | undefined {
  if (!(error instanceof ReferenceError)) return undefined;
  const name = /^([\w$]+) is not defined/.exec(error.message)?.[1] ?? /Can't find variable: ([\w$]+)/.exec(error.message)?.[1];
  if (!name) return undefined;
  const hint = new ReferenceError(
    `the task uses "${name}", which is not defined in the worker: a function sent by source cannot use variables captured from the scope it was written in. Pass "${name}" as an argument, or put the function in a module and submit it as a module task (taskModule).`,
    { cause: error },
  );
  if (error.stack) hint.stack = `${hint.name}: ${hint.message}\n${error.stack.split("\n").slice(1).join("\n")}`;
  return hint;
}
