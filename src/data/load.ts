import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { DataFrame } from 'danfojs-node';
import { didYouMean } from '../util/names';
import { DataError } from './errors';
import type { LabeledData } from './types';
import { checkDataOptions } from './options';

/** Names `datasets.load` accepts. */
export const DATASET_NAMES = ['cars', 'penguins', 'seattle-weather'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface LoadOptions {
  /**
   * What to do with rows that have a missing feature: `'drop'` them, or `'impute'` the
   * column's mean (numbers) or most frequent value (categories), computed over the whole
   * table. Rows with a missing target are always dropped. Both are reported in the result.
   * Defaults to `'drop'`.
   */
  missing?: 'drop' | 'impute';
  /**
   * Also use the table's categorical columns (cars: Origin; penguins: Island, Sex) as
   * one-hot features named `column=value`. Defaults to false (numeric features only).
   */
  oneHotCategorical?: boolean;
  /**
   * How `y` encodes the class of a classification set: `'oneHot'` or `'index'`
   * (one column of class numbers). Ignored for regression. Defaults to `'oneHot'`.
   */
  target?: 'oneHot' | 'index';
}

/** A data set from `vega-datasets`, as tensors plus the raw table. */
export type LoadedData = LabeledData & {
  /** Which data set this is. */
  name: DatasetName;
  /** The raw table as a danfojs DataFrame: every row and column of the file, missing values included. */
  frame: DataFrame;
  /** Rows in the file. */
  rowsInFile: number;
  /** Rows dropped because of missing values (see `missing`). */
  dropped: number;
  /** Values filled in per column with `missing: 'impute'` (empty with `'drop'`). */
  imputed: Record<string, number>;
  /** Columns of the file read for features, before one-hot encoding. */
  featureColumns: string[];
  /** The file the data came from. */
  source: string;
};

type Row = Record<string, unknown>;

interface Spec {
  file: string;
  task: 'classification' | 'regression';
  target: string;
  numeric: string[];
  categorical: string[];
  /** Turns a raw row into the values used (e.g. the cars' model year from its date). */
  prepare?: (row: Row) => Row;
}

const SPECS: Record<DatasetName, Spec> = {
  cars: {
    file: 'cars.json',
    task: 'regression',
    target: 'Miles_per_Gallon',
    numeric: ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration', 'Year'],
    categorical: ['Origin'],
    prepare: (row) => ({ ...row, Year: typeof row.Year === 'string' ? Number(row.Year.slice(0, 4)) : row.Year }),
  },
  penguins: {
    file: 'penguins.json',
    task: 'classification',
    target: 'Species',
    numeric: ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'],
    categorical: ['Island', 'Sex'],
  },
  'seattle-weather': {
    file: 'seattle-weather.csv',
    task: 'classification',
    target: 'weather',
    numeric: ['precipitation', 'temp_max', 'temp_min', 'wind'],
    categorical: [],
  },
};

/** Where vega-datasets keeps its files. */
function dataDirectory(): string {
  // The package's exports map hides package.json and data/, so look along node's search paths.
  for (const dir of require.resolve.paths('vega-datasets') ?? []) {
    const candidate = path.join(dir, 'vega-datasets', 'data');
    if (fs.existsSync(path.join(candidate, 'cars.json'))) return candidate;
  }
  throw new DataError('datasets.load: the vega-datasets package is not installed. Run npm install vega-datasets (trainlab lists it as a dependency).');
}

/** A small CSV reader for files without quoted fields (as vega-datasets' are); numbers become numbers. */
function parseCsv(text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines[0].split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const row: Row = {};
    header.forEach((name, i) => {
      const cell = cells[i] ?? '';
      row[name] = cell === '' ? null : Number.isNaN(Number(cell)) ? cell : Number(cell);
    });
    return row;
  });
}

function readRows(file: string): Row[] {
  const text = fs.readFileSync(file, 'utf8');
  return file.endsWith('.csv') ? parseCsv(text) : (JSON.parse(text) as Row[]);
}

/** Missing: null/undefined, NaN, empty, or the placeholders 'NA' and '.' found in these files. */
export function isMissing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value)) || value === '' || value === 'NA' || value === '.';
}

function mostFrequent(values: unknown[]): unknown {
  const counts = new Map<unknown, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))[0]?.[0];
}

function checkName(name: unknown): DatasetName {
  if ((DATASET_NAMES as readonly unknown[]).includes(name)) return name as DatasetName;
  const hint = typeof name === 'string' ? didYouMean(name, DATASET_NAMES) : undefined;
  throw new DataError(
    `datasets.load: unknown data set ${JSON.stringify(name)}. Available: ${DATASET_NAMES.map((n) => `'${n}'`).join(', ')}.` +
      (hint !== undefined ? ` Did you mean '${hint}'?` : ''),
    { path: 'name', received: name, expected: DATASET_NAMES.join(' | ') },
  );
}

/**
 * Loads a real data set shipped with the `vega-datasets` package (offline):
 * - `'cars'`: Auto MPG regression, target `Miles_per_Gallon` from cylinders, displacement,
 *   horsepower, weight, acceleration and model year;
 * - `'penguins'`: Palmer penguins, `Species` (3 classes) from beak, flipper and body mass;
 * - `'seattle-weather'`: daily `weather` (5 classes) from precipitation, temperatures, wind.
 * Classes are sorted by name. Requires danfojs-node (loaded on first call, ~1 s) for `frame`.
 */
export function load(name: DatasetName, options: LoadOptions = {}): LoadedData {
  checkDataOptions('datasets.load', options);
  const checked = checkName(name);
  const { missing = 'drop', oneHotCategorical = false, target = 'oneHot' } = options;
  if (missing !== 'drop' && missing !== 'impute') {
    throw new DataError(`datasets.load: missing must be 'drop' or 'impute', received ${JSON.stringify(missing)}. Pass missing: 'drop' to drop incomplete rows.`);
  }
  if (target !== 'oneHot' && target !== 'index') {
    throw new DataError(`datasets.load: target must be 'oneHot' or 'index', received ${JSON.stringify(target)}. Pass target: 'oneHot' for categoricalCrossentropy.`);
  }
  const spec = SPECS[checked];
  const source = path.join(dataDirectory(), spec.file);
  const raw = readRows(source);
  const columns = [...spec.numeric, ...(oneHotCategorical ? spec.categorical : [])];
  let rows = raw.map(spec.prepare ?? ((row) => row)).filter((row) => !isMissing(row[spec.target]));
  const imputed: Record<string, number> = {};
  if (missing === 'drop') {
    rows = rows.filter((row) => columns.every((c) => !isMissing(row[c])));
  } else {
    for (const c of columns) {
      const present = rows.map((row) => row[c]).filter((v) => !isMissing(v));
      const fill = spec.numeric.includes(c) ? (present as number[]).reduce((a, b) => a + b, 0) / present.length : mostFrequent(present);
      const count = rows.length - present.length;
      if (count > 0) {
        imputed[c] = count;
        rows = rows.map((row) => (isMissing(row[c]) ? { ...row, [c]: fill } : row));
      }
    }
  }

  const levels = new Map(spec.categorical.map((c) => [c, [...new Set(rows.map((row) => String(row[c])))].sort()]));
  const featureNames = [...spec.numeric, ...(oneHotCategorical ? spec.categorical.flatMap((c) => levels.get(c)!.map((v) => `${c}=${v}`)) : [])];
  const features = rows.map((row) => [
    ...spec.numeric.map((c) => Number(row[c])),
    ...(oneHotCategorical ? spec.categorical.flatMap((c) => levels.get(c)!.map((v) => (String(row[c]) === v ? 1 : 0))) : []),
  ]);
  const classes = spec.task === 'classification' ? [...new Set(rows.map((row) => String(row[spec.target])))].sort() : [];
  const format = spec.task === 'regression' ? 'value' : target;
  // Loaded lazily (before any tensor exists, so a failure leaks none): requiring danfojs-node takes about a second.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  const frame = new dfd.DataFrame(raw);
  const y = tf.tidy(() => {
    if (spec.task === 'regression') return tf.tensor2d(rows.map((row) => Number(row[spec.target])), [rows.length, 1]);
    const labels = rows.map((row) => classes.indexOf(String(row[spec.target])));
    return format === 'oneHot' ? (tf.oneHot(tf.tensor1d(labels, 'int32'), classes.length).toFloat() as tf.Tensor2D) : tf.tensor2d(labels, [labels.length, 1]);
  });
  return {
    name: checked,
    x: tf.tensor2d(features, [features.length, featureNames.length], 'float32'),
    y,
    featureNames,
    targetName: spec.target,
    task: spec.task,
    classes,
    target: format,
    frame,
    rowsInFile: raw.length,
    dropped: raw.length - rows.length,
    imputed,
    featureColumns: columns,
    source,
  };
}
