// The task file of piscina and tinypool: the default export is the task.
export default function square(x: number): number {
  return x * x;
}
