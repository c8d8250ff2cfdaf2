import { CallbackError } from './errors';
import { readLogs, type NumericLogs, type UnresolvedLogs } from './logs';
import { describe, MonitorCallback, type MonitorOptions } from './monitor';
import { saveCheckpoint } from './checkpointIO';

/** Options of {@link modelCheckpoint}. */
export interface ModelCheckpointOptions extends MonitorOptions {
  /**
   * Directory to save into (it will hold `model.json` + `weights.bin`). May contain
   * `{epoch}` (1-based, as Keras), `{epoch:02d}` and `{<log key>}` / `{<log key>:.4f}` placeholders,
   * e.g. `'ckpt/epoch-{epoch}-{val_loss:.3f}'`. Required.
   */
  path: string;
  /** Save only when the monitored metric improves on the best so far. Defaults to `false` (save every epoch). */
  saveBestOnly?: boolean;
  /** 1 prints a line on every save. Defaults to `0`. */
  verbose?: 0 | 1;
}

/**
 * Saves the model at the end of epochs (Keras `ModelCheckpoint`, `saveFreq: 'epoch'`),
 * atomically and with plain node `fs`. Load it back with `loadCheckpoint(path)`.
 */
export class ModelCheckpoint extends MonitorCallback {
  readonly path: string;
  readonly saveBestOnly: boolean;
  readonly verbose: 0 | 1;
  /** Best monitored value seen, undefined before the first one. */
  best: number | undefined;
  /** Directories written during the last run, in order. */
  readonly saved: string[] = [];

  constructor(options: ModelCheckpointOptions) {
    super('modelCheckpoint', options ?? ({} as ModelCheckpointOptions));
    if (typeof options?.path !== 'string' || options.path.length === 0) {
      throw new CallbackError(
        `modelCheckpoint: path must be a non-empty directory path, received ${describe(options?.path)}. Pass e.g. modelCheckpoint({path: 'checkpoints/best', saveBestOnly: true}).`,
      );
    }
    this.path = options.path;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.verbose = options.verbose ?? 0;
  }

  override async onTrainBegin(): Promise<void> {
    this.best = undefined;
    this.saved.length = 0;
    this.resetWarnings();
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const values = await readLogs(logs);
    const target = formatPath(this.path, epoch, values);
    if (this.saveBestOnly) {
      const current = this.monitorValue(values);
      if (current === undefined || !this.isImprovement(current, this.best)) return;
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best ?? 'none'} to ${current}, saving model to ${target}`);
      this.best = current;
    } else if (this.verbose > 0) {
      console.log(`Epoch ${epoch + 1}: saving model to ${target}`);
    }
    await saveCheckpoint(this.model, target);
    this.saved.push(target);
  }
}

/** Fills `{epoch}` (1-based), `{key}`, `{key:.Nf}` and `{key:0Nd}` placeholders from the epoch logs (Python format specs, as Keras). */
export function formatPath(template: string, epoch: number, logs: NumericLogs): string {
  return template.replace(/\{([A-Za-z_][\w]*)(?::(?:\.(\d+)f|0(\d+)d))?\}/g, (whole, key: string, digits: string | undefined, width: string | undefined) => {
    const value = key === 'epoch' ? epoch + 1 : logs[key];
    if (value === undefined) {
      throw new CallbackError(
        `modelCheckpoint: path placeholder ${whole} names no log key; available: epoch, ${Object.keys(logs).join(', ')}. Fix the path template.`,
      );
    }
    if (width !== undefined) return String(Math.round(value)).padStart(Number(width), '0');
    return digits === undefined ? String(value) : value.toFixed(Number(digits));
  });
}

/** Saves the model every epoch, or only on improvement with `saveBestOnly: true`. */
export function modelCheckpoint(options: ModelCheckpointOptions): ModelCheckpoint {
  return new ModelCheckpoint(options);
}
