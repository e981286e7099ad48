export { KeyedQueue, type KeyedCall, type KeyState, type KeyStats } from "./scheduler.js";
export { checkKey, resolveKeyOptions, type KeyOptions } from "./options.js";
