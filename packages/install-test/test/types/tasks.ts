// The task module the type tests refer to with taskModule<typeof import("./tasks.js")>.
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export async function label(n: number, prefix = "x"): Promise<string> {
  return `${prefix}${n}`;
}

export function pair(a: string, b: { n: number }): [string, number] {
  return [a, b.n];
}

export const VERSION = "1";
