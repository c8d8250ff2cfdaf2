/**
 * The smallest and largest of `values` in one pass ([Infinity, -Infinity] for none). Unlike
 * `Math.min(...values)`, any length: spreading more than ~125,000 numbers into one call
 * overflows V8's stack (RangeError). NaN is skipped.
 */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
