// Adaptive in-flight limits for AsyncPoolExecutor({ maxWorkers: "auto" }). See README.md.
export type { AutoLimitOptions, ConcurrencyLimit, LimitAlgorithm } from "./limit.js";
export { createLimit, limitFactory } from "./limit.js";
export { autoLimitDefaults, validateAutoLimitOptions } from "./options.js";
