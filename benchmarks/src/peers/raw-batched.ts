import { rawAdapter } from "./raw.js";
import type { PeerAdapter } from "./adapter.js";

/** Raw postMessage, 256 items per message: what chunking alone can reach. */
export default function rawBatched(): PeerAdapter {
  return rawAdapter(256);
}
