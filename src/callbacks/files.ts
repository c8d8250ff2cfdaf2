/**
 * File-system steps shared by modelCheckpoint and csvLogger: every node error becomes a
 * CallbackError naming the callback, the path and the fix, and no call can hang (node's
 * recursive mkdir never returns under /proc, so directories are made one level at a time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CallbackError } from './errors';

const FIXES: Record<string, string> = {
  EACCES: 'You lack permission to write there: pick a folder you own, e.g. under the notebook folder.',
  EPERM: 'The operating system does not allow writing there: pick a folder on a normal disk, e.g. under the notebook folder.',
  EROFS: 'That file system is read-only: pick a folder on a writable disk.',
  ENOTDIR: 'A part of the path is a file, not a folder: pick another path.',
  ENOENT: 'A part of the path does not exist and cannot be created there: pick a path on a normal disk.',
  ENOSPC: 'The disk is full: free some space or pick another disk.',
  EISDIR: 'The path is a folder: pass a file path such as runs/log.csv.',
  ENAMETOOLONG: 'The path is too long: pick a shorter one.',
};

/** A CallbackError for a node fs error at `target`. */
export function fsError(component: string, target: string, error: unknown, field = 'path'): CallbackError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const fix = FIXES[code] ?? 'Pick another path.';
  const reason = error instanceof Error ? error.message : String(error);
  return new CallbackError(`${component}: cannot write to '${target}' (${code !== '' ? code : reason}). ${fix}`, { path: field, received: target, expected: 'a writable path' });
}

/** `fs.statSync` or undefined when nothing is there; other errors as CallbackError. */
export function statOrUndefined(component: string, target: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fsError(component, target, error);
  }
}

/** Creates `dir` and its missing parents one level at a time (never node's recursive mkdir, which can hang). */
export function makeDirs(component: string, dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const stat = statOrUndefined(component, current);
    if (stat !== undefined) {
      if (!stat.isDirectory()) {
        throw new CallbackError(`${component}: '${current}' is a file, so '${dir}' cannot be a folder under it. Pick another path.`, { path: 'path', received: dir, expected: 'a path whose parents are folders' });
      }
      break;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(component, dir, error);
    }
  }
}

/** Tries a write in `dir` (creates and removes an empty temporary folder), so a failure shows before training. */
export function probeWritable(component: string, dir: string): void {
  makeDirs(component, dir);
  let probe: string;
  try {
    probe = fs.mkdtempSync(path.join(path.resolve(dir), '.trainlab-probe-'));
  } catch (error) {
    throw fsError(component, dir, error);
  }
  fs.rmdirSync(probe);
}
