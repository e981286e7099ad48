// The control: an unused @ts-expect-error and a false Equal must fail tsc, else the type
// tests prove nothing.
import { type Equal, expectTrue } from "../expect.js";

// @ts-expect-error there is no error on the next line
const n: number = 1;
void n;
expectTrue<Equal<number, string>>();
