/**
 * Any folder: a notebook outside trainlab's checkout can import `trainlab`,
 * `@tensorflow/tfjs` and the rest of what the kernel's installation holds, at run time and
 * when type-checked. A package the notebook's folder (or one above it) has installed wins;
 * only a package found nowhere from there comes from the kernel's installation.
 */
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';

/** Where the kernel's own packages are. */
export interface FallbackRoots {
  /** The notebook's folder (the kernel's working directory). */
  cwd: string;
  /** trainlab's own package folder (the kernel's installation). */
  kernelRoot: string;
  /** trainlab's package name (`trainlab`), which maps to `kernelRoot` itself. */
  selfName: string;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`; undefined for relative or absolute ids. */
export function packageName(id: string): string | undefined {
  if (id.startsWith('.') || path.isAbsolute(id) || id.startsWith('node:')) return undefined;
  const parts = id.split('/');
  if (id.startsWith('@')) return parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0] === '' ? undefined : parts[0];
}

function* ancestors(dir: string): Generator<string> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    yield d;
    if (path.dirname(d) === d) return;
  }
}

/** The folder of `name` as Node would find it from `dir` (node_modules of `dir` and above). */
export function findPackage(name: string, dir: string): string | undefined {
  for (const d of ancestors(dir)) {
    if (path.basename(d) === 'node_modules') continue;
    const candidate = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

/**
 * Decides, per package name, whether the notebook's folder has it (undefined: no
 * forwarding) or where the kernel's copy is.
 */
export class Fallback {
  private readonly cache = new Map<string, string | undefined>();

  constructor(readonly roots: FallbackRoots) {}

  /** The kernel's folder for `name` when the notebook's folder has none, else undefined. */
  kernelCopy(name: string): string | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    let found: string | undefined;
    if (findPackage(name, this.roots.cwd) === undefined) {
      found = name === this.roots.selfName ? this.roots.kernelRoot : findPackage(name, this.roots.kernelRoot);
    }
    this.cache.set(name, found);
    return found;
  }

  /**
   * A path under `<cwd>/node_modules/<name>` that TypeScript probes, moved to the kernel's
   * copy when the notebook's folder has no such package; other paths unchanged.
   */
  forward(file: string): string {
    const base = path.join(this.roots.cwd, 'node_modules') + path.sep;
    if (!file.startsWith(base)) return file;
    const rest = file.slice(base.length);
    const name = packageName(rest.split(path.sep).join('/'));
    if (name === undefined) return file;
    const copy = this.kernelCopy(name);
    if (copy === undefined) return file;
    return path.join(copy, rest.slice(name.length));
  }

  /** `require` for cells: the notebook's resolution first, the kernel's copy for a package it lacks. */
  wrapRequire(req: NodeJS.Require): (id: string) => unknown {
    const fromKernel = Module.createRequire(path.join(this.roots.kernelRoot, 'package.json'));
    return (id: string) => {
      try {
        return req(id);
      } catch (error) {
        const name = packageName(id);
        const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${id}'`);
        if (!missing || name === undefined || this.kernelCopy(name) === undefined) throw error;
        return fromKernel(id);
      }
    };
  }
}

/** The file-system calls of TypeScript's `sys` that module resolution goes through. */
type PathFunctionName = 'fileExists' | 'readFile' | 'directoryExists' | 'getDirectories' | 'readDirectory' | 'realpath';

/**
 * Routes TypeScript's file look-ups under `<cwd>/node_modules/<pkg>` to the kernel's copy
 * of a package the notebook's folder lacks (the same idea as tslab's own forwarding of
 * `node_modules/tslab`). Patches the given `sys` object in place; returns the undo.
 */
export function forwardTypeScriptPaths(sys: Record<PathFunctionName, unknown>, fallback: Fallback): () => void {
  const names: PathFunctionName[] = ['fileExists', 'readFile', 'directoryExists', 'getDirectories', 'readDirectory', 'realpath'];
  const originals = new Map<PathFunctionName, unknown>();
  for (const name of names) {
    const original = sys[name];
    if (typeof original !== 'function') continue;
    originals.set(name, original);
    sys[name] = (file: string, ...rest: unknown[]) => {
      const forwarded = fallback.forward(file);
      const result = (original as (...a: unknown[]) => unknown).call(sys, forwarded, ...rest);
      // realpath of a forwarded file is the kernel copy's real path: later imports resolve from there.
      return result;
    };
  }
  return () => {
    for (const [name, original] of originals) sys[name] = original;
  };
}
