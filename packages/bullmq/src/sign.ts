// HMAC-SHA256 job signing with Web Crypto (`crypto.subtle`), the one crypto API that Node,
// Bun and Deno share. The signature covers the exact payload string stored in the job, so
// nothing needs a canonical form: the worker verifies the bytes it will parse.

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, k);
  }
  return k;
}

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, "0");
  return out;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The hex HMAC-SHA256 of `payload` under `secret`. */
export async function sign(secret: string, payload: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", await key(secret), encoder.encode(payload)));
}

/** True if `signature` is the HMAC-SHA256 of `payload` under `secret` (constant-time, by Web Crypto). */
export async function verify(secret: string, payload: string, signature: unknown): Promise<boolean> {
  if (typeof signature !== "string") return false;
  const bytes = fromHex(signature);
  if (!bytes) return false;
  return crypto.subtle.verify("HMAC", await key(secret), bytes, encoder.encode(payload));
}
