// The module task of the bundled program: shipped beside the bundle, or compiled in.
export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
