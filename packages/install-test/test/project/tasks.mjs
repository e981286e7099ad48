// A task module that lives in the user's project, outside every package: the worker imports
// it by URL, and it imports a sibling file of that project.
import { scale } from "./scale.mjs";

export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export async function label(n) {
  return `x${scale(n)}`;
}
