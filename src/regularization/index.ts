export { RegularizationError } from './errors';
export { applyRegularization, regularizationPenalty, setDropoutRate, REGULARIZED_LAYER_CLASSES } from './weights';
export type { WeightPenalty, RegularizationReport } from './weights';
export { gaussianNoise, mixup, randomFlip, randomShift } from './augment';
export type { GaussianNoiseOptions, MixupOptions, RandomFlipOptions, RandomShiftOptions } from './augment';
export * as augmentations from './augmentations';
export type { Augmentation, AugmentBatch, FlipAugmentOptions, ShiftAugmentOptions, NoiseAugmentOptions, MixupAugmentOptions } from './batch';
