export function scale(n) {
  return n * 10;
}
