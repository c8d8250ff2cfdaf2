import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CallbackError } from './errors';
import { GuardedCallback } from './fitGuard';
import { readLogs, type UnresolvedLogs } from './logs';
import { describe } from './monitor';

/** Options of {@link csvLogger}. */
export interface CsvLoggerOptions {
  /** Append to an existing file instead of overwriting it (the header is written only if the file is empty). Defaults to `false`. */
  append?: boolean;
  /** Column separator, one character. Defaults to `','`. */
  separator?: string;
}

/**
 * Writes one CSV row per epoch (`epoch` then the log keys in sorted order, as Keras's
 * `CSVLogger`). Each row is appended and flushed at once, so a crash loses at most the
 * epoch in progress. Keys that first appear after the header was written are ignored.
 */
export class CsvLogger extends GuardedCallback {
  readonly path: string;
  readonly append: boolean;
  readonly separator: string;
  private keys: string[] | undefined;

  constructor(filePath: string, options: CsvLoggerOptions = {}) {
    super();
    if (typeof filePath !== 'string' || filePath.length === 0) {
      throw new CallbackError(`csvLogger: path must be a non-empty file path, received ${describe(filePath)}. Pass e.g. csvLogger('runs/log.csv').`);
    }
    const separator = options.separator ?? ',';
    if (typeof separator !== 'string' || separator.length !== 1 || separator === '"' || separator === '\n') {
      throw new CallbackError(`csvLogger: separator must be one character other than '"' or a newline, received ${describe(separator)}. Pass separator: ',' or ';' or '\\t'.`);
    }
    this.path = filePath;
    this.append = options.append ?? false;
    this.separator = separator;
  }

  override async onTrainBegin(): Promise<void> {
    fs.mkdirSync(path.dirname(path.resolve(this.path)), { recursive: true });
    this.keys = undefined;
    if (!this.append) fs.writeFileSync(this.path, '');
    else if (fs.existsSync(this.path) && fs.statSync(this.path).size > 0) this.keys = readHeader(this.path, this.separator);
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const values = await readLogs(logs);
    let text = '';
    if (this.keys === undefined) {
      this.keys = Object.keys(values).sort();
      text += ['epoch', ...this.keys].map((k) => this.quote(k)).join(this.separator) + '\n';
    }
    const row = [String(epoch), ...this.keys.map((k) => (values[k] === undefined ? '' : String(values[k])))];
    text += row.map((v) => this.quote(v)).join(this.separator) + '\n';
    fs.appendFileSync(this.path, text);
  }

  private quote(value: string): string {
    return value.includes(this.separator) || value.includes('"') || value.includes('\n') ? `"${value.replace(/"/g, '""')}"` : value;
  }
}

function readHeader(filePath: string, separator: string): string[] {
  const first = fs.readFileSync(filePath, 'utf8').split('\n', 1)[0];
  return first.split(separator).slice(1).map((k) => k.replace(/^"|"$/g, '').replace(/""/g, '"'));
}

/** Streams epoch results to a CSV file (Keras `CSVLogger`). */
export function csvLogger(filePath: string, options: CsvLoggerOptions = {}): CsvLogger {
  return new CsvLogger(filePath, options);
}
