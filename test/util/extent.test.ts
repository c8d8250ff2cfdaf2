import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extent } from '../../src/util/extent';

for (const [name, values, expected] of [
  ['none', [], [Infinity, -Infinity]],
  ['one', [3], [3, 3]],
  ['mixed signs', [2, -5, 7, 0], [-5, 7]],
  ['NaN skipped', [Number.NaN, 1, Number.NaN, -1], [-1, 1]],
  ['infinities kept', [-Infinity, 0, Infinity], [-Infinity, Infinity]],
  ['a typed array', new Float32Array([0.5, 4, -2]), [-2, 4]],
  // Math.min(...values) throws RangeError from about 125,000 values.
  ['300,000 values', Array.from({ length: 300_000 }, (_, i) => i - 1000), [-1000, 298_999]],
] as const) {
  test(`extent: ${name}`, () => {
    assert.deepEqual(extent(values as Iterable<number>), expected);
  });
}
