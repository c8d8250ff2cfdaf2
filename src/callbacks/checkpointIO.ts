import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CallbackError } from './errors';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Test seams: called between the steps of an atomic save, to simulate a crash there. */
export interface AtomicWriteHooks {
  afterTempWritten?: () => void;
  afterOldMoved?: () => void;
}

/**
 * Saves `model` as `dir/model.json` + `dir/weights.bin` with plain node `fs` (tfjs's own
 * `file://` handler needs the native package). The files are written and fsynced in a
 * temporary sibling directory which then replaces `dir` by rename, so a crash at any point
 * leaves either the previous checkpoint or the new one, never a mix or a torn file.
 */
export async function saveCheckpoint(model: tf.LayersModel, dir: string, hooks: AtomicWriteHooks = {}): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new CallbackError(`saveCheckpoint: path must be a non-empty directory path, received ${String(dir)}.`);
  }
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

function writeDirAtomically(dir: string, files: Array<[string, Buffer]>, hooks: AtomicWriteHooks): void {
  const target = path.resolve(dir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const previous = previousDir(target);
  fs.mkdirSync(temp);
  try {
    for (const [name, bytes] of files) writeFileSynced(path.join(temp, name), bytes);
    hooks.afterTempWritten?.();
    if (fs.existsSync(target)) {
      // Only drop the old backup once a complete checkpoint sits at `target`.
      fs.rmSync(previous, { recursive: true, force: true });
      fs.renameSync(target, previous);
    }
    hooks.afterOldMoved?.();
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(previous, { recursive: true, force: true });
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
    throw new CallbackError(`loadCheckpoint: path must be a non-empty directory path, received ${String(dir)}.`);
  }
  const target = path.resolve(dir);
  const source = [target, previousDir(target)].find((d) => fs.existsSync(path.join(d, MODEL_FILE)));
  if (source === undefined) {
    throw new CallbackError(
      `loadCheckpoint: no checkpoint at '${target}' (expected ${MODEL_FILE} and ${WEIGHTS_FILE} there). Pass the path given to modelCheckpoint({path}).`,
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
