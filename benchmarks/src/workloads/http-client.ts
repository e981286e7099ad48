// The per-key suite's HTTP GET: fetch on Bun and Deno (native, cheap), node:http with a
// keep-alive agent on Node. Node 20's fetch (undici) cost this client 2-5 ms of CPU per call
// on the loaded 2-core machine (node:http: ~0.6 ms, measured side by side), so at the
// ~3,000 calls/s that downstream A can answer, the client starved itself and every
// configuration measured fetch, not the limit. Both are real loopback HTTP requests.
import { Agent, get } from "node:http";
import { runtimeName } from "../harness/runtime.js";
import { httpGet } from "./tasks.js";

const agent = new Agent({ keepAlive: true });

function nodeGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let length = 0;
      response.on("data", (chunk: Buffer) => (length += chunk.length));
      response.on("end", () => resolve(length));
      response.on("error", reject);
    }).on("error", reject);
  });
}

/** GET `url` and return the body's length, with the cheapest client of this runtime. */
export const lightGet: (url: string) => Promise<number> = runtimeName() === "node" ? nodeGet : httpGet;

/** Which client {@link lightGet} uses (recorded in the results). */
export const lightGetClient = runtimeName() === "node" ? "node:http (keep-alive agent)" : "fetch";
