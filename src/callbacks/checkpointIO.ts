import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { showValue } from '../util/errors';
import { checkLiveModel } from '../util/models';
import { CallbackError } from './errors';
import { fsError, makeDirs, statOrUndefined } from './files';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Test seams: called between the steps of an atomic save, to simulate a crash there. */
export interface AtomicWriteHooks {
  afterTempWritten?: () => void;
  afterOldMoved?: () => void;
}

/**
 * Saves `model` as `dir/model.json` + `dir/weights.bin` (+ the marker file
 * `.trainlab-checkpoint`) with plain node `fs` (tfjs's own `file://` handler needs the
 * native package). `dir` must not exist yet or be a checkpoint trainlab wrote: anything
 * else there is an error and stays untouched. The files are written and fsynced in a
 * temporary sibling directory which then replaces `dir` by rename, so a crash at any point
 * leaves either the previous checkpoint or the new one, never a mix or a torn file.
 */
export async function saveCheckpoint(model: tf.LayersModel, dir: string, hooks: AtomicWriteHooks = {}, component = 'saveCheckpoint'): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new CallbackError(`saveCheckpoint: path must be a non-empty directory path, received ${showValue(dir)}.`, { path: 'path', received: dir, expected: 'a non-empty string' });
  }
  checkLiveModel('saveCheckpoint', model, (message) => new CallbackError(message, { path: 'model', received: model }));
  checkCheckpointTarget(component, dir);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : joinWeightData(artifacts.weightData);
      const modelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      const json = JSON.stringify(modelJSON);
      writeDirAtomically(
        component,
        dir,
        [
          [WEIGHTS_FILE, Buffer.from(weightData)],
          [MODEL_FILE, Buffer.from(json, 'utf8')],
        ],
        hooks,
      );
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: json.length,
          weightDataBytes: weightData.byteLength,
        },
      };
    }),
  );
}

function joinWeightData(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/** The directory kept while a new checkpoint is being swapped in. */
export function previousDir(dir: string): string {
  return `${path.resolve(dir)}.previous`;
}

/** The marker file that makes a directory recognisably trainlab's checkpoint (and the only kind it replaces). */
export const CHECKPOINT_MARKER = '.trainlab-checkpoint';
const MARKER_TEXT = JSON.stringify({ writtenBy: 'trainlab', kind: 'checkpoint', files: [MODEL_FILE, WEIGHTS_FILE] }) + '\n';
const OWN_FILES = new Set([MODEL_FILE, WEIGHTS_FILE, CHECKPOINT_MARKER]);

/**
 * Throws unless `dir` is free (nothing there) or a checkpoint trainlab wrote: a directory
 * holding its marker file and only the files of a checkpoint. Also checks the
 * `.previous` directory a save moves the old checkpoint to. Never changes anything.
 */
export function checkCheckpointTarget(component: string, dir: string): void {
  const target = path.resolve(dir);
  for (const [where, role] of [[target, 'path'], [previousDir(target), 'backup']] as const) {
    const stat = statOrUndefined(component, where);
    if (stat === undefined) continue;
    const fix = `Pass a path where nothing exists yet, e.g. path: '${path.join(path.relative(process.cwd(), path.dirname(target)) || '.', 'checkpoints', path.basename(target) === '' || path.basename(target) === '.' ? 'model' : path.basename(target))}' (trainlab creates that folder).`;
    if (!stat.isDirectory()) {
      throw new CallbackError(`${component}: ${role === 'path' ? `path '${dir}'` : `the backup folder '${where}' of path '${dir}'`} is an existing file, not trainlab's checkpoint; it is left alone. ${fix}`, { path: 'path', received: dir, expected: 'a new path or a trainlab checkpoint folder' });
    }
    const entries = fs.readdirSync(where);
    const foreign = entries.filter((e) => !OWN_FILES.has(e));
    if (!entries.includes(CHECKPOINT_MARKER) || foreign.length > 0) {
      const listed = (foreign.length > 0 ? foreign : entries).slice(0, 5).map((e) => `'${e}'`).join(', ');
      const what = entries.length === 0 ? 'an empty folder trainlab did not create' : `a folder holding files trainlab did not write (${listed}${entries.length > 5 ? ', ...' : ''})`;
      throw new CallbackError(
        `${component}: ${role === 'path' ? `path '${dir}'` : `the backup folder '${where}' of path '${dir}'`} is ${what}, not trainlab's checkpoint; nothing in it is touched. ${fix}`,
        { path: 'path', received: dir, expected: 'a new path or a trainlab checkpoint folder' },
      );
    }
  }
}

/** Removes a checkpoint directory trainlab wrote, file by file (never a recursive delete). */
function removeOwnCheckpoint(dir: string): void {
  for (const name of OWN_FILES) fs.rmSync(path.join(dir, name), { force: true });
  fs.rmdirSync(dir);
}

function writeDirAtomically(component: string, dir: string, files: Array<[string, Buffer]>, hooks: AtomicWriteHooks): void {
  const target = path.resolve(dir);
  checkCheckpointTarget(component, target);
  makeDirs(component, path.dirname(target));
  // Not Math.random: train seeds it, and a checkpoint must not change a seeded run's shuffles.
  const temp = `${target}.tmp-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const previous = previousDir(target);
  try {
    fs.mkdirSync(temp);
  } catch (error) {
    throw fsError(component, dir, error);
  }
  try {
    for (const [name, bytes] of files) writeFileSynced(path.join(temp, name), bytes);
    writeFileSynced(path.join(temp, CHECKPOINT_MARKER), Buffer.from(MARKER_TEXT, 'utf8'));
    hooks.afterTempWritten?.();
    if (fs.existsSync(target)) {
      // Only drop the old backup once a complete checkpoint sits at `target`.
      if (fs.existsSync(previous)) removeOwnCheckpoint(previous);
      fs.renameSync(target, previous);
    }
    hooks.afterOldMoved?.();
    fs.renameSync(temp, target);
  } catch (error) {
    if (fs.existsSync(temp)) removeOwnCheckpoint(temp);
    throw error instanceof CallbackError || !(error as NodeJS.ErrnoException).code ? error : fsError(component, dir, error);
  }
  if (fs.existsSync(previous)) removeOwnCheckpoint(previous);
  syncDir(path.dirname(target));
}

function writeFileSynced(file: string, bytes: Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directory fsync is not supported everywhere; the renames are still atomic.
  }
}

/**
 * Loads a model saved by {@link modelCheckpoint} or {@link saveCheckpoint}. If a crash
 * happened between the two renames of a save, the previous complete checkpoint is loaded.
 */
export async function loadCheckpoint(dir: string): Promise<tf.LayersModel> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new CallbackError(`loadCheckpoint: path must be a non-empty directory path, received ${showValue(dir)}.`, { path: 'path', received: dir, expected: 'a non-empty string' });
  }
  const target = path.resolve(dir);
  const source = [target, previousDir(target)].find((d) => fs.existsSync(path.join(d, MODEL_FILE)));
  if (source === undefined) {
    throw new CallbackError(
      `loadCheckpoint: no checkpoint at '${target}' (expected ${MODEL_FILE} and ${WEIGHTS_FILE} there). Pass the path given to modelCheckpoint({path}).`,
      { path: 'path', received: dir, expected: 'a folder holding a checkpoint' },
    );
  }
  const modelJSON = JSON.parse(fs.readFileSync(path.join(source, MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = manifest.flatMap((group) => group.paths).map((p) => {
      const bytes = fs.readFileSync(path.join(source, p));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    });
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
  return tf.loadLayersModel({ load: async () => artifacts });
}
