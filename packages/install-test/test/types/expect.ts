// The two checks tsd and expect-type make: exact type equality, and `@ts-expect-error` on
// lines that must not compile (tsc fails on an unused directive, TS2578).
export type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
export function expectTrue<T extends true>(): void {}
