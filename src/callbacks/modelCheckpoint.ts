import { CallbackError } from './errors';
import { readLogs, type NumericLogs, type UnresolvedLogs } from './logs';
import { describe, MonitorCallback, type MonitorOptions } from './monitor';
import * as path from 'node:path';
import { checkCheckpointTarget, saveCheckpoint } from './checkpointIO';
import { probeWritable } from './files';
import { checkCallbackOptions } from './options';

/** Options of {@link modelCheckpoint}. */
export interface ModelCheckpointOptions extends MonitorOptions {
  /**
   * Directory to save into (it will hold `model.json`, `weights.bin` and the marker file
   * `.trainlab-checkpoint`). It must not exist yet, or be a checkpoint trainlab wrote: any
   * other file or folder there is an error before the first epoch, and is never touched.
   * May contain
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
    if (typeof options?.path !== 'string' || options.path.length === 0) {
      throw new CallbackError(
        `modelCheckpoint: path must be a non-empty directory path, received ${describe(options?.path)}. Pass e.g. modelCheckpoint({path: 'checkpoints/best', saveBestOnly: true}).`,
        { path: 'path', received: options?.path, expected: 'a non-empty string' },
      );
    }
    super('modelCheckpoint', checkCallbackOptions('modelCheckpoint', options));
    checkTemplate(options.path);
    this.path = options.path;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.verbose = options.verbose ?? 0;
  }

  /**
   * Tries the write before the first epoch changes any weight: a path that is not free nor
   * trainlab's checkpoint, or a folder that cannot be written, is an error now, not later.
   */
  override async onTrainBegin(): Promise<void> {
    const fixed = staticPart(this.path);
    if (fixed === this.path) checkCheckpointTarget('modelCheckpoint', this.path);
    probeWritable('modelCheckpoint', path.dirname(path.resolve(fixed)));
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
    await saveCheckpoint(this.model, target, {}, 'modelCheckpoint');
    this.saved.push(target);
  }
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_PLACEHOLDER = /^([A-Za-z_][\w]*)(?::(?:\.(\d+)f|0(\d+)d))?$/;

/** Throws for a placeholder whose format formatPath does not know (it would be written literally and overwrite). */
function checkTemplate(template: string): void {
  for (const [whole, inner] of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN_PLACEHOLDER.test(inner)) {
      throw new CallbackError(
        `modelCheckpoint: path placeholder ${whole} has a format trainlab does not know. Use {epoch}, {epoch:03d}, {val_loss} or {val_loss:.4f} (formats :0Nd and :.Nf).`,
        { path: 'path', received: template, expected: '{key}, {key:0Nd} or {key:.Nf} placeholders' },
      );
    }
  }
}

/** The path up to its first placeholder's folder: what exists whatever the epoch's values are. */
function staticPart(template: string): string {
  const at = template.search(/\{/);
  if (at < 0) return template;
  const cut = template.slice(0, at);
  const slash = Math.max(cut.lastIndexOf('/'), cut.lastIndexOf(path.sep));
  return slash < 0 ? path.join('.', '__placeholder__') : path.join(cut.slice(0, slash), '__placeholder__');
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
