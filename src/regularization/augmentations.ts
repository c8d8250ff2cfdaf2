/** Everything under `trainlab.augmentations`: ready-made batch augmentations for `train(..., {augment})`. */
export { flip, shift, noise, mixup, chain } from './batch';
export type { Augmentation, AugmentBatch, FlipAugmentOptions, ShiftAugmentOptions, NoiseAugmentOptions, MixupAugmentOptions } from './batch';
