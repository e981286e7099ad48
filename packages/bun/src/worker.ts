// The module every pool worker runs on Bun: core's task runner on this worker's port.
import { runWorker } from "@concurrent/core/worker";
import { createPort } from "./port.js";

runWorker(createPort());
