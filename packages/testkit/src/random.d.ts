// Types of random.mjs.

/** A generator of uniform numbers in [0, 1), the same sequence for the same 32-bit seed. */
export function mulberry32(seed: number): () => number;
