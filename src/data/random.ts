import { mulberry32 } from '../backend/seed';
import { DataError } from './errors';

/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** A seeded generator; the seed must be a safe integer so runs can be repeated exactly. */
export function seededRng(seed: number, where: string): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new DataError(`${where}: seed must be a whole number, received ${String(seed)}. Pass an integer such as seed: 42.`);
  }
  return mulberry32(seed);
}

/** A standard normal draw (Box–Muller); never takes log(0). */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A random ordering of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
