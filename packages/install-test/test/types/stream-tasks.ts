// Stream tasks the type tests refer to with taskModule<typeof import("./stream-tasks.js")>.
export function* numbers(n: number): Generator<number, string, unknown> {
  for (let i = 0; i < n; i++) yield i;
  return "done";
}

export async function* lines(path: string): AsyncGenerator<{ path: string; line: string }, number, unknown> {
  yield { path, line: "" };
  return 1;
}

export function letters(word: string): string[] {
  return [...word];
}
