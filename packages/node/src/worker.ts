// The module every pool worker runs on Node: core's task runner on this thread's port.
import { runWorker } from "@concurrent/core/worker";
import { createPort } from "./port.js";

runWorker(createPort());
