import type { BenchName, PeerName } from "../peers/adapter.js";

/** Parent → peer child, one JSON object per line on stdin. */
export type PeerCommand =
  | { id: number; cmd: "start"; peer: PeerName; workers: number; cpus: number }
  | { id: number; cmd: "bench"; bench: BenchName; args: number[]; iterations: number; timeMs: number; warmup: number; expect: number }
  | { id: number; cmd: "call"; module: string; fn: string; args: unknown[] }
  | { id: number; cmd: "close" };

/** Peer child → parent: one line, prefixed so a peer's own console output cannot be mistaken for it. */
export interface PeerReply {
  id: number;
  ok: boolean;
  /** Iteration times, ms. */
  samples?: number[];
  error?: string;
  /** What a "call" returned. */
  value?: unknown;
}

export const REPLY_PREFIX = "@@peer ";
