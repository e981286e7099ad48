// @concurrent/core/kit: what every executor is built from, for the executors in this repo
// and for anyone writing another (a fourth executor gets these for free). A flat list of
// re-exports, one line per piece; the pieces live beside what uses them in core.
export { ChunkError } from "../chunk-error.js";
export { ExecutorCounters, SampleWindow, type ExecutorStats, type Percentiles } from "../stats.js";
export { abortOn, armRunTimeout, checkSubmitOptions, DEFAULT_GRACE, runTimeoutError } from "../submit-options.js";
export { checkBoolean, checkFunction, checkInteger, checkOptions, checkTimeout, describeValue } from "../validate.js";
export { capturedVariableError, compileFunction, functionSource, isModuleTask } from "../tasks.js";
export { taskDef, type TaskDef } from "../pool/task.js";
export { isThenable } from "../thenable.js";
export { StreamingExecutor } from "./streaming.js";
export { registerRuntime, unrefTimer, type RuntimeHooks } from "../runtime.js";
export {
  serializeError,
  deserializeError,
  errorParts,
  createError,
  completeError,
  isErrorLike,
  registerErrorClass,
  type ErrorParts,
  type SerializedError,
} from "./errors.js";
