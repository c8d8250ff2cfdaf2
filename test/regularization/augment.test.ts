import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gaussianNoise, mixup, randomFlip, randomShift } from '../../src/regularization';

function leakCheck<T extends tf.TensorContainer>(fn: () => T, returned: number): T {
  const before = tf.memory().numTensors;
  const out = fn();
  assert.equal(tf.memory().numTensors, before + returned, 'only the returned tensors remain');
  return out;
}

test('gaussianNoise: repeatable with a seed, right spread, no leaks', async () => {
  await tf.setBackend('cpu');
  const x = tf.zeros([2000]);
  const a = leakCheck(() => gaussianNoise(x, { stddev: 0.5, seed: 3 }), 1);
  const b = gaussianNoise(x, { stddev: 0.5, seed: 3 });
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const std = tf.moments(a).variance.sqrt().dataSync()[0];
  assert.ok(Math.abs(std - 0.5) < 0.05, `std ${std}`);
  assert.equal(x.isDisposed, false);
  const zero = gaussianNoise(tf.ones([3]), { stddev: 0 });
  assert.deepEqual(Array.from(zero.dataSync()), [1, 1, 1]);
  tf.dispose([x, a, b, zero]);
});

test('mixup: each row is λ·own + (1-λ)·partner for x and y alike', async () => {
  await tf.setBackend('cpu');
  const x = tf.tensor2d([[0, 0], [10, 10], [20, 20], [30, 30]]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4).toFloat();
  const out = leakCheck(() => mixup(x, y, { alpha: 0.4, seed: 7 }), 2);
  const again = mixup(x, y, { alpha: 0.4, seed: 7 });
  assert.deepEqual(Array.from(out.x.dataSync()), Array.from(again.x.dataSync()));
  const xs = out.x.arraySync() as number[][];
  const ys = out.y.arraySync() as number[][];
  out.lambdas.forEach((lam, i) => {
    assert.ok(lam >= 0 && lam <= 1);
    // The label keeps weight λ on the row's own class (or 1 when paired with itself).
    assert.ok(ys[i][i] >= lam - 1e-6);
    const partner = ys[i].findIndex((v, k) => k !== i && v > 1e-6);
    const expected = partner < 0 ? i * 10 : lam * i * 10 + (1 - lam) * partner * 10;
    assert.ok(Math.abs(xs[i][0] - expected) < 1e-4, `${xs[i][0]} vs ${expected}`);
    assert.ok(Math.abs(ys[i].reduce((s, v) => s + v, 0) - 1) < 1e-6);
  });
  tf.dispose([x, y, out.x, out.y, again.x, again.y]);
});

test('randomFlip: every image is itself or its mirror; seeded draws repeat', async () => {
  await tf.setBackend('cpu');
  const img = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const batch = tf.concat(Array.from({ length: 16 }, () => img));
  const flipped = leakCheck(() => randomFlip(batch as tf.Tensor4D, { seed: 1 }), 1);
  const rows = (flipped.reshape([16, 4]).arraySync() as number[][]).map((r) => r.join(','));
  assert.ok(rows.every((r) => r === '1,2,3,4' || r === '2,1,4,3'));
  assert.ok(rows.includes('1,2,3,4') && rows.includes('2,1,4,3'));
  const vertical = randomFlip(batch as tf.Tensor4D, { mode: 'vertical', seed: 1 });
  assert.ok((vertical.reshape([16, 4]).arraySync() as number[][]).every((r) => ['1,2,3,4', '3,4,1,2'].includes(r.join(','))));
  assert.deepEqual(Array.from(randomFlip(batch as tf.Tensor4D, { seed: 1 }).dataSync()), Array.from(flipped.dataSync()));
  tf.dispose([img, batch, flipped, vertical]);
});

test('randomShift: pixels move by whole steps within the limit and the gap is filled', async () => {
  await tf.setBackend('cpu');
  const img = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
  const batch = tf.concat(Array.from({ length: 12 }, () => img)) as tf.Tensor4D;
  const shifted = leakCheck(() => randomShift(batch, { maxFraction: 0.25, fill: -1, seed: 5 }), 1);
  assert.deepEqual(shifted.shape, [12, 4, 4, 1]);
  const all = shifted.reshape([12, 4, 4]).arraySync() as number[][][];
  for (const im of all) {
    // Find the shift from where pixel value 6 (originally at row 1, col 1) went.
    const flat = im.flat();
    const pos = flat.indexOf(6);
    assert.ok(pos >= 0);
    const dy = Math.floor(pos / 4) - 1;
    const dx = (pos % 4) - 1;
    assert.ok(Math.abs(dy) <= 1 && Math.abs(dx) <= 1);
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < 4; c++) {
        const sr = r - dy;
        const sc = c - dx;
        const expected = sr >= 0 && sr < 4 && sc >= 0 && sc < 4 ? sr * 4 + sc + 1 : -1;
        assert.equal(im[r][c], expected);
      }
  }
  tf.dispose([img, batch, shifted]);
});

const bad: Array<[string, () => unknown, RegExp]> = [
  ['gaussianNoise non-tensor', () => gaussianNoise([1, 2] as never, { stddev: 1 }), /gaussianNoise: x must be a tf.Tensor, received \[1,2\]/],
  ['gaussianNoise negative stddev', () => gaussianNoise(tf.zeros([2]), { stddev: -1 }), /gaussianNoise: stddev must be a finite number >= 0, received -1/],
  ['mixup length mismatch', () => mixup(tf.zeros([3, 2]), tf.zeros([4, 1])), /mixup: x has 3 examples but y has 4/],
  ['mixup alpha 0', () => mixup(tf.zeros([3, 2]), tf.zeros([3, 1]), { alpha: 0 }), /mixup: alpha must be a finite number > 0, received 0/],
  ['mixup empty', () => mixup(tf.zeros([0, 2]), tf.zeros([0, 1])), /mixup: x is empty/],
  ['randomFlip rank 3', () => randomFlip(tf.zeros([2, 2, 2]) as never), /randomFlip: images must have rank 4 .* received shape \[2, 2, 2\]/],
  ['randomFlip mode', () => randomFlip(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, { mode: 'diagonal' as never }), /randomFlip: mode: 'diagonal' is not a known mode; expected one of 'horizontal' \| 'vertical' \| 'both'/],
  ['randomShift fraction', () => randomShift(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, { maxFraction: 1 }), /randomShift: maxFraction must be a number in \[0, 1\), received 1/],
  ['seed not integer', () => randomShift(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, { seed: 1.5 }), /randomShift: seed must be a whole number, received 1.5/],
];
for (const [name, fn, message] of bad) {
  test(`augmentation rejects: ${name}`, async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    assert.throws(fn, message);
    assert.ok(tf.memory().numTensors - before <= 2); // only the test's own inputs
  });
}
