#!/usr/bin/env node
'use strict';
// trainlab's Python virtual environment (.venv/ by default) with JupyterLab / Notebook 7,
// and `ensureJupyter`, which finds the Jupyter `trainlab lab|notebook` opens or installs it.
//
//   node scripts/venv.js lab notebook nbclient nbconvert
//
// creates or updates the venv with those packages and does nothing (quickly) when they are
// already there. Node built-ins only: CI runs it before node_modules exist.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { VENV_DIR, FRONT_ENDS, onPath, findJupyter } = require('./jupyter');

/** Thrown when the venv cannot be created or filled; the message says how to fix it. */
class SetupError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SetupError';
  }
}

/** Short names accepted on the command line → pip distributions. */
const PACKAGES = {
  lab: 'jupyterlab',
  jupyterlab: 'jupyterlab',
  notebook: 'notebook',
  nbclient: 'nbclient',
  nbconvert: 'nbconvert',
};

// Without these pip retries an unreachable index for minutes before it gives up.
const PIP_FLAGS = ['--retries', '0', '--timeout', '3'];

const OWN_JUPYTER = 'Or install JupyterLab yourself (pip install jupyterlab) and set TRAINLAB_JUPYTER to its jupyter executable.';

function venvPython(venv = VENV_DIR) {
  return path.join(venv, 'bin', 'python');
}

function pretty(file) {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') ? rel : file;
}

/** Versions of the pip distributions installed in the venv (null when missing), or undefined when its python does not run. */
function installedVersions(distributions, venv = VENV_DIR) {
  const code = [
    'import json, sys',
    'from importlib import metadata',
    'def v(d):',
    '    try: return metadata.version(d)',
    '    except metadata.PackageNotFoundError: return None',
    'print(json.dumps({d: v(d) for d in sys.argv[1:]}))',
  ].join('\n');
  const r = spawnSync(venvPython(venv), ['-c', code, ...distributions], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return undefined;
  }
}

/** Creates the venv with `python3 -m venv`; throws a SetupError saying what is missing. */
function createVenv(venv, log) {
  const python = onPath('python3');
  if (python === undefined) {
    throw new SetupError(
      `no Python found: 'python3' is not on PATH, so trainlab cannot create ${venv} to install Jupyter into. ` +
        `Install Python 3 with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv).\n${OWN_JUPYTER}`,
    );
  }
  log(`trainlab: creating a Python virtual environment: ${python} -m venv ${venv}`);
  const existed = fs.existsSync(venv);
  const r = spawnSync(python, ['-m', 'venv', venv], { encoding: 'utf8' });
  if (r.status === 0 && fs.existsSync(venvPython(venv))) return;
  // A half-made venv would be taken for a working one next time.
  if (!existed) fs.rmSync(venv, { recursive: true, force: true });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || (r.error ? r.error.message : `exit code ${r.status}`);
  if (/No module named venv|ensurepip is not available|python3(\.\d+)?-venv/.test(output)) {
    throw new SetupError(
      `${python} cannot create virtual environments: its venv module (with ensurepip) is missing. ` +
        `On Debian/Ubuntu install the python3-venv package: apt-get install python3-venv (as root).\n${OWN_JUPYTER}\n` +
        `python3 said: ${output}`,
    );
  }
  throw new SetupError(`'${python} -m venv ${venv}' failed:\n${output}\n${OWN_JUPYTER}`);
}

/**
 * Makes sure the venv exists and holds `names` (keys of PACKAGES); installs only what is
 * missing, with pip's progress shown. Returns the distributions it installed.
 */
function ensureVenv(names, { venv = VENV_DIR, log = console.log } = {}) {
  const unknown = names.filter((n) => !(n in PACKAGES));
  if (unknown.length > 0) {
    throw new SetupError(`unknown package ${unknown.map((n) => `'${n}'`).join(', ')}; choose from ${Object.keys(PACKAGES).join(', ')}`);
  }
  const wanted = [...new Set(names.map((n) => PACKAGES[n]))];
  let versions = installedVersions(wanted, venv);
  if (versions === undefined) {
    if (fs.existsSync(venvPython(venv))) {
      throw new SetupError(`${venvPython(venv)} exists but does not run (a venv from another Python?). Remove ${venv} and try again.`);
    }
    createVenv(venv, log);
    versions = installedVersions(wanted, venv) ?? {};
  }
  const missing = wanted.filter((d) => versions[d] === null || versions[d] === undefined);
  if (missing.length === 0) return [];
  const args = ['-m', 'pip', 'install', ...PIP_FLAGS, ...missing];
  log(`trainlab: installing ${missing.join(', ')} into ${pretty(venv)}: ${pretty(venvPython(venv))} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(venvPython(venv), args, { stdio: 'inherit', env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  if (r.status !== 0) {
    throw new SetupError(
      `pip could not install ${missing.join(', ')} into ${venv} (exit code ${r.status ?? r.signal}, after ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `pip's own messages are above).\nIf pip cannot reach a package index, point it at one: ` +
        `'pip config set global.index-url URL' or PIP_INDEX_URL=URL (a local mirror, or --find-links for a folder of wheels).\n` +
        OWN_JUPYTER,
    );
  }
  return missing;
}

/**
 * The absolute path of a `jupyter` that runs `frontEnd`: TRAINLAB_JUPYTER, else the
 * project venv's, else the one on PATH; with `install`, a missing one is installed into
 * the venv first. Throws a SetupError when there is none (or TRAINLAB_JUPYTER is broken).
 */
function ensureJupyter({ frontEnd = 'lab', install = true, venv = VENV_DIR, log = console.log } = {}) {
  const want = FRONT_ENDS[frontEnd];
  if (want === undefined) throw new SetupError(`unknown front end '${frontEnd}'; choose 'lab' or 'notebook'`);
  const found = findJupyter(frontEnd);
  if (found.problem !== undefined) throw new SetupError(found.problem);
  if (found.jupyter !== undefined) return found.jupyter;
  const seen = found.skipped.length > 0 ? ` (seen: ${found.skipped.join('; ')})` : '';
  if (!install) {
    throw new SetupError(`no ${want.title} found${seen}. 'node scripts/venv.js ${frontEnd}' installs it into ${venv}, or set TRAINLAB_JUPYTER.`);
  }
  log(`trainlab: no ${want.title} found${seen}; installing it into ${pretty(venv)}`);
  ensureVenv([frontEnd], { venv, log });
  const jupyter = path.join(venv, 'bin', 'jupyter');
  if (!fs.existsSync(jupyter)) throw new SetupError(`pip installed ${want.pip} into ${venv} but ${jupyter} is missing.`);
  return jupyter;
}

module.exports = { SetupError, PACKAGES, ensureVenv, ensureJupyter, installedVersions };

if (require.main === module) {
  const names = process.argv.slice(2);
  if (names.length === 0 || names.includes('--help')) {
    console.error(`usage: node scripts/venv.js PACKAGE... (from ${Object.keys(PACKAGES).join(', ')})\ncreates or updates ${VENV_DIR} (TRAINLAB_VENV moves it) with those packages.`);
    process.exit(names.length === 0 ? 2 : 0);
  }
  try {
    const installed = ensureVenv(names);
    const versions = installedVersions(names.filter((n) => n in PACKAGES).map((n) => PACKAGES[n])) ?? {};
    const list = Object.entries(versions).map(([d, v]) => `${d} ${v}`).join(', ');
    console.log(`venv: ${pretty(VENV_DIR)} ${installed.length === 0 ? 'already has' : 'now has'} ${list}`);
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    console.error(`venv: ${error.message}`);
    process.exit(1);
  }
}
