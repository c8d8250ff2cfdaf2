import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CallbackError } from './errors';
import { GuardedCallback } from './fitGuard';
import { readLogs, type UnresolvedLogs } from './logs';
import { describe } from './monitor';
import { parseCsvLine, readLines } from '../data/csv';
import { fsError, makeDirs, statOrUndefined } from './files';
import { checkCallbackOptions } from './options';

/** Options of {@link csvLogger}. */
export interface CsvLoggerOptions {
  /** Append to an existing file (the header is written only if the file is empty; an existing header must start with `epoch`). Defaults to `false`. */
  append?: boolean;
  /**
   * Replace an existing file that a csvLogger of this session did not create. Without it
   * (and without `append`) such a file is an error before the first epoch, and stays as it
   * was. Defaults to `false`.
   */
  overwrite?: boolean;
  /** Column separator, one character. Defaults to `','`. */
  separator?: string;
}

/** Files csvLoggers created in this process: re-running a cell may start them afresh. */
const createdFiles = new Set<string>();

/**
 * Writes one CSV row per epoch (`epoch` then the log keys in sorted order, as Keras's
 * `CSVLogger`). Each row is appended and flushed at once, so a crash loses at most the
 * epoch in progress. Keys that first appear after the header was written are ignored.
 * Never truncates a file it did not create unless `overwrite: true`; the write is tried at
 * `onTrainBegin`, so a path that cannot be written fails before any weight changes.
 */
export class CsvLogger extends GuardedCallback {
  readonly path: string;
  readonly append: boolean;
  readonly overwrite: boolean;
  readonly separator: string;
  private keys: string[] | undefined;

  constructor(filePath: string, options: CsvLoggerOptions = {}) {
    super();
    if (typeof filePath !== 'string' || filePath.length === 0) {
      throw new CallbackError(`csvLogger: path must be a non-empty file path, received ${describe(filePath)}. Pass e.g. csvLogger('runs/log.csv').`, { path: 'path', received: filePath, expected: 'a non-empty string' });
    }
    checkCallbackOptions('csvLogger', options);
    if (options.append === true && options.overwrite === true) {
      throw new CallbackError(`csvLogger: append and overwrite are both true. Pass one of them.`, { path: 'overwrite', received: true, expected: 'not both append and overwrite' });
    }
    const separator = options.separator ?? ',';
    if (typeof separator !== 'string' || separator.length !== 1 || separator === '"' || separator === '\n') {
      throw new CallbackError(`csvLogger: separator must be one character other than '"' or a newline, received ${describe(separator)}. Pass separator: ',' or ';' or '\\t'.`);
    }
    this.path = filePath;
    this.append = options.append ?? false;
    this.overwrite = options.overwrite ?? false;
    this.separator = separator;
  }

  override async onTrainBegin(): Promise<void> {
    const target = path.resolve(this.path);
    const stat = statOrUndefined('csvLogger', target);
    if (stat !== undefined && !stat.isFile()) {
      throw new CallbackError(`csvLogger: path '${this.path}' is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}; it is left alone. Pass a file path such as '${path.join(this.path, 'log.csv')}'.`, { path: 'path', received: this.path, expected: 'a file path' });
    }
    const existing = stat !== undefined && stat.size > 0;
    let keys: string[] | undefined;
    if (existing && this.append) {
      keys = readHeader(this.path, this.separator);
    } else if (existing && !this.overwrite && !createdFiles.has(target)) {
      throw new CallbackError(
        `csvLogger: '${this.path}' already exists and no csvLogger of this session created it; it is left as it was. Pass append: true to add rows to it, overwrite: true to replace it, or another path.`,
        { path: 'path', received: this.path, expected: 'a new file, or append: true / overwrite: true' },
      );
    }
    makeDirs('csvLogger', path.dirname(target));
    try {
      if (!existing || !this.append) {
        fs.writeFileSync(target, '');
        createdFiles.add(target);
      } else {
        fs.accessSync(target, fs.constants.W_OK);
      }
    } catch (error) {
      throw fsError('csvLogger', this.path, error);
    }
    this.keys = keys;
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
    try {
      fs.appendFileSync(this.path, text);
    } catch (error) {
      throw fsError('csvLogger', this.path, error);
    }
  }

  private quote(value: string): string {
    return value.includes(this.separator) || value.includes('"') || value.includes('\n') ? `"${value.replace(/"/g, '""')}"` : value;
  }
}

/** The header of a file to append to: read from its first line only; it must be a csvLogger header (`epoch` first). */
function readHeader(filePath: string, separator: string): string[] {
  const first = readLines(filePath).next();
  const line = first.done === true ? '' : first.value;
  const cells = parseCsvLine(line, separator, filePath);
  if (cells[0] !== 'epoch') {
    throw new CallbackError(
      `csvLogger: cannot append to '${filePath}': its first line ${JSON.stringify(line.slice(0, 60))} is not a csvLogger header (epoch${separator}...); the file is left as it was. Pass another path.`,
      { path: 'path', received: filePath, expected: 'a CSV file whose header starts with epoch' },
    );
  }
  return cells.slice(1);
}

/** Streams epoch results to a CSV file (Keras `CSVLogger`). */
export function csvLogger(filePath: string, options: CsvLoggerOptions = {}): CsvLogger {
  return new CsvLogger(filePath, options);
}
