export { runWorker } from "./runner.js";
export type { WorkerPort } from "./port.js";
