import { checkSubmitOptions } from "../submit-options.js";
import { describeValue } from "../validate.js";
import { DEFAULT_HIGH_WATER_MARK, type StreamOptions } from "./task-stream.js";

/**
 * Checks `streamWith`'s options (those of `submitWith`, and `highWaterMark`) and returns the
 * high-water mark to use. Throws before anything is scheduled.
 */
export function checkStreamOptions(options: unknown): number {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`streamWith: options must be an object, got ${describeValue(options)}`);
  }
  const { highWaterMark, ...rest } = options as StreamOptions;
  checkSubmitOptions(rest);
  if (highWaterMark === undefined) return DEFAULT_HIGH_WATER_MARK;
  if (typeof highWaterMark !== "number") {
    throw new TypeError(`streamWith highWaterMark must be an integer ≥ 1, got ${describeValue(highWaterMark)}`);
  }
  if (!(highWaterMark >= 1) || !Number.isInteger(highWaterMark)) {
    throw new RangeError(`streamWith highWaterMark must be an integer ≥ 1, got ${describeValue(highWaterMark)}`);
  }
  return highWaterMark;
}
