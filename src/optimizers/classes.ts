/**
 * The optimizer classes createOptimizer builds. Where tfjs's stock update rule matches
 * Keras/PyTorch we subclass it and only add gradient clipping; where it does not (centered
 * RMSprop subtracts epsilon, Adadelta uses the previous squared-gradient average) or the
 * optimizer is missing (AdamW) the update rule is written here.
 *
 * Every class reads its learning rate from `this.learningRate` at each update (SGD and
 * Momentum through `setLearningRate`, which refreshes their cached scalar), so
 * `setLearningRate(opt, lr)` in ./learning-rate.ts changes the very next step.
 */
import * as tf from '@tensorflow/tfjs';
import { applyFusedAdam } from '../kernels/adam';
import { applyClipped, type ClipOptions, type GradientInput, type NamedTensor } from './clipping';
import { decayProductIssue, OptimizerError } from './spec';

type Variable = tf.Variable;
// Stock subclasses declare applyGradients with slightly different map types (NamedVariableMap vs
// NamedTensorMap); `g as never` below passes our (identical at run time) gradients through.

function variableNamed(name: string): Variable {
  return tf.engine().registeredVariables[name];
}

function entries(grads: GradientInput): NamedTensor[] {
  return Array.isArray(grads) ? grads : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
}

function clipConfig(clip: ClipOptions): tf.serialization.ConfigDict {
  const out: tf.serialization.ConfigDict = {};
  if (clip.clipNorm !== undefined) out.clipNorm = clip.clipNorm;
  if (clip.clipValue !== undefined) out.clipValue = clip.clipValue;
  if (clip.globalClipNorm !== undefined) out.globalClipNorm = clip.globalClipNorm;
  return out;
}

function clipFrom(config: tf.serialization.ConfigDict): ClipOptions {
  const c = numbers(config);
  return { clipNorm: c.clipNorm, clipValue: c.clipValue, globalClipNorm: c.globalClipNorm };
}

function numbers(config: tf.serialization.ConfigDict): Record<string, number> {
  return config as unknown as Record<string, number>;
}

/** Plain SGD: `w -= lr * g`. */
export class SGD extends tf.SGDOptimizer {
  static override get className(): string {
    return 'TrainlabSGD';
  }

  constructor(
    learningRate: number,
    readonly clip: ClipOptions = {},
  ) {
    super(learningRate);
  }

  override applyGradients(grads: GradientInput): void {
    applyClipped(grads, this.clip, (g) => super.applyGradients(g as never));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...clipConfig(this.clip) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = numbers(config);
    return new (cls as unknown as typeof SGD)(c.learningRate, clipFrom(config)) as unknown as T;
  }
}

/** SGD with (Nesterov) momentum, PyTorch form: `v = m v + g; w -= lr v` (Nesterov: `w -= lr (g + m v)`). */
export class Momentum extends tf.MomentumOptimizer {
  static override get className(): string {
    return 'TrainlabMomentum';
  }

  constructor(
    learningRate: number,
    momentum: number,
    useNesterov: boolean,
    readonly clip: ClipOptions = {},
  ) {
    super(learningRate, momentum, useNesterov);
  }

  override applyGradients(grads: GradientInput): void {
    applyClipped(grads, this.clip, (g) => super.applyGradients(g as never));
  }

  override dispose(): void {
    super.dispose();
    // tfjs's MomentumOptimizer.dispose forgets the learning-rate scalar of its SGD parent.
    if (!this.c.isDisposed) this.c.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...clipConfig(this.clip) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = numbers(config);
    return new (cls as unknown as typeof Momentum)(c.learningRate, c.momentum, (config.useNesterov as boolean | undefined) ?? false, clipFrom(config)) as unknown as T;
  }
}

/** Adam (tfjs update rule: bias-corrected moments, epsilon added to sqrt(v̂) as in PyTorch). */
export class Adam extends tf.AdamOptimizer {
  static override get className(): string {
    return 'TrainlabAdam';
  }

  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    readonly clip: ClipOptions = {},
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(grads: GradientInput): void {
    // The fused wasm update when it applies (trainlab's own Adam only; tfjs's stays stock).
    applyClipped(grads, this.clip, (g) => {
      if (!applyFusedAdam(this, g as never)) super.applyGradients(g as never);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...clipConfig(this.clip) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = numbers(config);
    return new (cls as unknown as typeof Adam)(c.learningRate, c.beta1, c.beta2, c.epsilon, clipFrom(config)) as unknown as T;
  }
}

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), as Keras and PyTorch:
 * before the Adam step every updated variable is shrunk, `w -= lr * weightDecay * w`.
 */
export class AdamW extends tf.AdamOptimizer {
  static override get className(): string {
    return 'AdamW';
  }

  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    readonly weightDecay: number,
    readonly clip: ClipOptions = {},
  ) {
    // Built directly (or loaded from a saved model) the pair obeys createOptimizer's rule; checked before super allocates the moments.
    const decay = decayProductIssue(learningRate, weightDecay, { path: 'weightDecay', learningRate: 'learningRate' });
    if (decay !== undefined) throw new OptimizerError('AdamW', [decay]);
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(grads: GradientInput): void {
    applyClipped(grads, this.clip, (g) => {
      if (this.weightDecay > 0) {
        const shrink = 1 - this.learningRate * this.weightDecay;
        for (const { name, tensor } of entries(g)) {
          if (tensor == null) continue;
          const value = variableNamed(name);
          tf.tidy(() => value.assign(tf.mul(value, shrink)));
        }
      }
      if (!applyFusedAdam(this, g as never)) super.applyGradients(g as never);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay, ...clipConfig(this.clip) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = config as Record<string, number | undefined>;
    return new (cls as unknown as typeof AdamW)(
      c.learningRate as number,
      c.beta1 as number,
      c.beta2 as number,
      c.epsilon as number,
      c.weightDecay as number,
      { clipNorm: c.clipNorm, clipValue: c.clipValue, globalClipNorm: c.globalClipNorm },
    ) as unknown as T;
  }
}

/** Adagrad (tfjs update rule = Keras: `acc += g²; w -= lr g / sqrt(acc + eps)`, eps = backend epsilon). */
export class Adagrad extends tf.AdagradOptimizer {
  static override get className(): string {
    return 'TrainlabAdagrad';
  }

  constructor(
    learningRate: number,
    initialAccumulatorValue: number,
    readonly clip: ClipOptions = {},
  ) {
    super(learningRate, initialAccumulatorValue);
  }

  override applyGradients(grads: GradientInput): void {
    applyClipped(grads, this.clip, (g) => super.applyGradients(g as never));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...clipConfig(this.clip) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = numbers(config);
    return new (cls as unknown as typeof Adagrad)(c.learningRate, c.initialAccumulatorValue, clipFrom(config)) as unknown as T;
  }
}

interface AdamaxState {
  accumulatedFirstMoment: Array<{ originalName: string; variable: Variable }>;
  accumulatedWeightedInfNorm: Array<{ originalName: string; variable: Variable }>;
  iteration: Variable;
  accBeta1: Variable;
}

/**
 * Adamax (tfjs update rule = Keras: infinity-norm variant of Adam). Adds the
 * getWeights/setWeights tfjs leaves unimplemented, so models compiled with it can be saved
 * with `includeOptimizer`.
 */
export class Adamax extends tf.AdamaxOptimizer {
  static override get className(): string {
    return 'TrainlabAdamax';
  }

  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    readonly clip: ClipOptions = {},
    decay = 0,
  ) {
    super(learningRate, beta1, beta2, epsilon, decay);
  }

  override applyGradients(grads: GradientInput): void {
    applyClipped(grads, this.clip, (g) => super.applyGradients(g as never));
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const state = this as unknown as AdamaxState;
    return [
      await this.saveIterations(),
      ...[...state.accumulatedFirstMoment, ...state.accumulatedWeightedInfNorm].map((v) => ({
        name: v.originalName,
        tensor: v.variable as tf.Tensor,
      })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const state = this as unknown as AdamaxState;
    tf.dispose([...state.accumulatedFirstMoment, ...state.accumulatedWeightedInfNorm].map((v) => v.variable));
    const count = rest.length / 2;
    const asSlot = (v: NamedTensor) => ({ originalName: v.name, variable: v.tensor.variable(false) });
    state.accumulatedFirstMoment = rest.slice(0, count).map(asSlot);
    state.accumulatedWeightedInfNorm = rest.slice(count).map(asSlot);
    const t = this.iterations;
    tf.tidy(() => {
      state.iteration.assign(tf.scalar(t));
      state.accBeta1.assign(tf.scalar(this.beta1 ** (t + 1)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...clipConfig(this.clip) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = numbers(config);
    return new (cls as unknown as typeof Adamax)(c.learningRate, c.beta1, c.beta2, c.epsilon, clipFrom(config), c.decay ?? 0) as unknown as T;
  }
}

interface Slot {
  originalName: string;
  variable: Variable;
}

/**
 * Per-variable optimizer state, created lazily. Like tfjs's own optimizers it is keyed by
 * the variable's position in the gradient list (stable across a model's fits), so state
 * saved with a model (`includeOptimizer`) lines up again after loading, where variable
 * names may get a uniqueness suffix.
 */
class Slots {
  private slots: Slot[] = [];

  constructor(private readonly suffix: string) {}

  get(index: number, variableName: string, init: () => tf.Tensor): Variable {
    let slot = this.slots[index];
    if (slot === undefined) {
      const variable = tf.tidy(() => init().variable(false));
      slot = { originalName: `${variableName}/${this.suffix}`, variable };
      this.slots[index] = slot;
    }
    return slot.variable;
  }

  weights(): NamedTensor[] {
    return this.slots.filter((s) => s !== undefined).map((s) => ({ name: s.originalName, tensor: s.variable }));
  }

  restore(weights: readonly NamedTensor[]): void {
    this.dispose();
    const end = `/${this.suffix}`;
    this.slots = weights
      .filter((w) => w.name.endsWith(end))
      .map((w) => ({ originalName: w.name, variable: w.tensor.variable(false) }));
  }

  dispose(): void {
    for (const slot of this.slots) slot?.variable.dispose();
    this.slots = [];
  }
}

/**
 * RMSprop as Keras: `ms = ρ ms + (1-ρ) g²`; centered: `mg = ρ mg + (1-ρ) g`,
 * `den = ms - mg² + ε`, else `den = ms + ε`; `inc = lr g / sqrt(den)`; with momentum
 * `mom = μ mom + inc; w -= mom`, else `w -= inc`. (tfjs's centered variant computes
 * `sqrt(ms - mg² - ε)`, which can go NaN.)
 */
export class RMSprop extends tf.Optimizer {
  static get className(): string {
    return 'TrainlabRMSprop';
  }

  private readonly meanSquares = new Slots('rms');
  private readonly moments = new Slots('momentum');
  private readonly meanGrads = new Slots('mg');

  constructor(
    public learningRate: number,
    readonly rho: number,
    readonly momentum: number,
    readonly epsilon: number,
    readonly centered: boolean,
    readonly clip: ClipOptions = {},
  ) {
    super();
  }

  override applyGradients(grads: GradientInput): void {
    applyClipped(grads, this.clip, (g) => this.update(g));
  }

  private update(grads: GradientInput): void {
    const { rho, momentum, epsilon, centered } = this;
    const lr = this.learningRate;
    entries(grads).forEach(({ name, tensor: grad }, i) => {
      if (grad == null) return;
      const value = variableNamed(name);
      const ms = this.meanSquares.get(i, name, () => tf.zerosLike(value));
      const mom = momentum > 0 ? this.moments.get(i, name, () => tf.zerosLike(value)) : undefined;
      const mg = centered ? this.meanGrads.get(i, name, () => tf.zerosLike(value)) : undefined;
      tf.tidy(() => {
        const newMs = tf.add(tf.mul(ms, rho), tf.mul(tf.square(grad), 1 - rho));
        ms.assign(newMs);
        let denominator = tf.add(newMs, epsilon);
        if (mg !== undefined) {
          const newMg = tf.add(tf.mul(mg, rho), tf.mul(grad, 1 - rho));
          mg.assign(newMg);
          denominator = tf.add(tf.sub(newMs, tf.square(newMg)), epsilon);
        }
        const increment = tf.div(tf.mul(grad, lr), tf.sqrt(denominator));
        if (mom !== undefined) {
          const newMom = tf.add(tf.mul(mom, momentum), increment);
          mom.assign(newMom);
          value.assign(tf.sub(value, newMom));
        } else {
          value.assign(tf.sub(value, increment));
        }
      });
    });
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      ...this.meanSquares.weights(),
      ...this.moments.weights(),
      ...this.meanGrads.weights(),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.meanSquares.restore(rest);
    this.moments.restore(rest);
    this.meanGrads.restore(rest);
  }

  override dispose(): void {
    super.dispose();
    this.meanSquares.dispose();
    this.moments.dispose();
    this.meanGrads.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
      ...clipConfig(this.clip),
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = config as Record<string, number | boolean | undefined>;
    return new (cls as unknown as typeof RMSprop)(
      c.learningRate as number,
      c.rho as number,
      c.momentum as number,
      c.epsilon as number,
      c.centered as boolean,
      {
        clipNorm: c.clipNorm as number | undefined,
        clipValue: c.clipValue as number | undefined,
        globalClipNorm: c.globalClipNorm as number | undefined,
      },
    ) as unknown as T;
  }
}

/**
 * Adadelta as Keras and PyTorch: `ag = ρ ag + (1-ρ) g²`;
 * `Δ = sqrt(au + ε) / sqrt(ag + ε) · g` with the *updated* ag; `au = ρ au + (1-ρ) Δ²`;
 * `w -= lr Δ`. (tfjs's AdadeltaOptimizer divides by the previous ag, so its first step is
 * `lr · g` instead of about `lr · sqrt(ε/(1-ρ))`.)
 */
export class Adadelta extends tf.Optimizer {
  static get className(): string {
    return 'TrainlabAdadelta';
  }

  private readonly gradSquares = new Slots('accum_grad');
  private readonly updateSquares = new Slots('accum_var');

  constructor(
    public learningRate: number,
    readonly rho: number,
    readonly epsilon: number,
    readonly clip: ClipOptions = {},
  ) {
    super();
  }

  override applyGradients(grads: GradientInput): void {
    applyClipped(grads, this.clip, (g) => this.update(g));
  }

  private update(grads: GradientInput): void {
    const { rho, epsilon } = this;
    const lr = this.learningRate;
    entries(grads).forEach(({ name, tensor: grad }, i) => {
      if (grad == null) return;
      const value = variableNamed(name);
      const ag = this.gradSquares.get(i, name, () => tf.zerosLike(value));
      const au = this.updateSquares.get(i, name, () => tf.zerosLike(value));
      tf.tidy(() => {
        const newAg = tf.add(tf.mul(ag, rho), tf.mul(tf.square(grad), 1 - rho));
        const delta = tf.mul(tf.div(tf.sqrt(tf.add(au, epsilon)), tf.sqrt(tf.add(newAg, epsilon))), grad);
        const newAu = tf.add(tf.mul(au, rho), tf.mul(tf.square(delta), 1 - rho));
        ag.assign(newAg);
        au.assign(newAu);
        value.assign(tf.sub(value, tf.mul(delta, lr)));
      });
    });
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.gradSquares.weights(), ...this.updateSquares.weights()];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.gradSquares.restore(rest);
    this.updateSquares.restore(rest);
  }

  override dispose(): void {
    super.dispose();
    this.gradSquares.dispose();
    this.updateSquares.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon, ...clipConfig(this.clip) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = config as Record<string, number | undefined>;
    return new (cls as unknown as typeof Adadelta)(c.learningRate as number, c.rho as number, c.epsilon as number, {
      clipNorm: c.clipNorm,
      clipValue: c.clipValue,
      globalClipNorm: c.globalClipNorm,
    }) as unknown as T;
  }
}

// Registered under their own names (TrainlabAdam, ...), so tfjs's stock classes keep theirs: a
// model saved with `includeOptimizer` comes back with trainlab's class and its clipping options
// when trainlab is loaded, and a stock optimizer still loads as the stock class.
tf.serialization.registerClass(SGD);
tf.serialization.registerClass(Momentum);
tf.serialization.registerClass(Adam);
tf.serialization.registerClass(Adagrad);
tf.serialization.registerClass(Adamax);
tf.serialization.registerClass(AdamW);
tf.serialization.registerClass(RMSprop);
tf.serialization.registerClass(Adadelta);
