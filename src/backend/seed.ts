/**
 * tfjs draws weight initialisation, `model.fit` shuffling and dropout masks from
 * `Math.random` whenever no per-op seed is given, so seeding it makes all three repeatable.
 */

const unseeded = Math.random;
let current: number | undefined;

/** A fast 32-bit PRNG with good statistical quality for this use (mulberry32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Makes weight initialisation, shuffling and dropout repeatable: the same seed on the
 * same backend gives the same loss history. `setSeed(undefined)` restores true randomness.
 */
export function setSeed(seed: number | undefined): void {
  if (seed === undefined) {
    Math.random = unseeded;
    current = undefined;
    return;
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`setSeed: seed must be a whole number, received ${String(seed)}. Pass an integer such as setSeed(42).`);
  }
  Math.random = mulberry32(seed);
  current = seed;
}

/** The seed set last, or undefined when Math.random is unseeded. */
export function currentSeed(): number | undefined {
  return current;
}
