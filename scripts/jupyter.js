'use strict';
// Finding Jupyter and a Python that can import nbclient, with messages that say how to
// get them when they are missing. Node built-ins only: CI calls venv.js before `npm ci`.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

/** trainlab's own virtual environment. TRAINLAB_VENV moves it; defaults to <checkout>/.venv. */
const VENV_DIR = process.env.TRAINLAB_VENV ? path.resolve(process.env.TRAINLAB_VENV) : path.join(ROOT, '.venv');

const HOW_TO_GET = [
  'Set TRAINLAB_PYTHON to a Python that can import nbclient and nbconvert, or install them.',
  'Jupyter is needed for this. On Debian/Ubuntu run (as root) scripts/setup-system.sh, which',
  'installs jupyter-notebook, jupyter-client, python3-nbclient and jupyter-nbconvert with apt-get;',
  "elsewhere 'pip install notebook nbclient nbconvert' (or 'pip install jupyterlab'),",
  "or run 'npx trainlab lab', which installs JupyterLab into .venv/ when none is found.",
].join('\n');

/** The front ends trainlab opens: what `jupyter <sub>` runs, the pip package, the oldest major version. */
const FRONT_ENDS = {
  lab: { title: 'JupyterLab', pip: 'jupyterlab', minMajor: 1 },
  notebook: { title: 'Notebook 7', pip: 'notebook', minMajor: 7 },
};

/** Trimmed output of a command that exited 0, else undefined. */
function runs(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim() : undefined;
}

function hasJupyter(jupyter = 'jupyter') {
  return runs(jupyter, ['--version']) !== undefined;
}

/** Absolute path of `command` found on PATH, or undefined. */
function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const full = path.join(dir, command);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      if (fs.statSync(full).isFile()) return full;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Version printed by `jupyter <frontEnd> --version` (last line), or undefined when it fails. */
function frontEndVersion(jupyter, frontEnd) {
  const out = runs(jupyter, [frontEnd, '--version']);
  return out === undefined ? undefined : out.split('\n').pop().trim();
}

function majorOf(version) {
  return Number.parseInt(version, 10);
}

/**
 * Looks for a Jupyter that runs `frontEnd` ('lab' or 'notebook'), in this order:
 * TRAINLAB_JUPYTER (when set, the only one tried), the project venv, `jupyter` on PATH.
 * Returns { jupyter, version, source } when found, else { problem, skipped } where
 * `problem` is set only when TRAINLAB_JUPYTER does not work and `skipped` lists the
 * Jupyters seen that lack the front end (e.g. Notebook 6 on PATH).
 */
function findJupyter(frontEnd) {
  const want = FRONT_ENDS[frontEnd];
  const chosen = process.env.TRAINLAB_JUPYTER;
  if (chosen !== undefined && chosen !== '') {
    const full = path.resolve(chosen);
    if (!fs.existsSync(full)) {
      return { problem: `TRAINLAB_JUPYTER is set to ${chosen}, which does not exist. Point it at a 'jupyter' executable that has ${want.title}, or unset it.` };
    }
    const version = frontEndVersion(full, frontEnd);
    if (version === undefined || !(majorOf(version) >= want.minMajor)) {
      const got = version === undefined ? `'${full} ${frontEnd} --version' failed` : `it has ${frontEnd} ${version}`;
      return { problem: `TRAINLAB_JUPYTER is set to ${full}, which does not run ${want.title} (${got}). Point it at a 'jupyter' that has ${want.title} (pip install ${want.pip}), or unset it.` };
    }
    return { jupyter: full, version, source: 'TRAINLAB_JUPYTER' };
  }
  const skipped = [];
  const candidates = [
    [path.join(VENV_DIR, 'bin', 'jupyter'), 'project venv'],
    [onPath('jupyter'), 'PATH'],
  ];
  for (const [jupyter, source] of candidates) {
    if (jupyter === undefined || !fs.existsSync(jupyter)) continue;
    const version = frontEndVersion(jupyter, frontEnd);
    if (version !== undefined && majorOf(version) >= want.minMajor) return { jupyter, version, source };
    skipped.push(`${jupyter} (${source}) ${version === undefined ? `has no '${frontEnd}'` : `has ${frontEnd} ${version}`}`);
  }
  return { skipped };
}

/**
 * A Python that can import nbclient and nbconvert. A pyenv `python3` first on PATH often
 * cannot, while Debian's system Python (the one `jupyter` runs on) can; trainlab's own
 * venv comes last (JupyterLab brings nbconvert and nbclient with it).
 */
function findPython() {
  // TRAINLAB_PYTHON, when set, is the only one tried: an explicit choice is never overridden.
  const chosen = process.env.TRAINLAB_PYTHON;
  const candidates = chosen ? [chosen] : ['python3', '/usr/bin/python3', 'python', path.join(VENV_DIR, 'bin', 'python')];
  for (const python of candidates) {
    if (runs(python, ['-c', 'import nbclient, nbconvert']) !== undefined) return python;
  }
  return undefined;
}

/** Folder of trainlab's Jupyter extensions: the server's (trainlab_jupyter.py, config/) and the page's (share/labextensions/). */
const JUPYTER_EXTENSIONS_DIR = path.join(ROOT, 'jupyter');

/**
 * The environment a Jupyter server trainlab starts runs in: `env` plus trainlab's two
 * Jupyter extensions. The server extension (jupyter/trainlab_jupyter.py: one plotly.js copy
 * in every saved notebook) is enabled through an extra config folder and found on
 * PYTHONPATH; the page extension (pictures of the charts in the saved file) through an extra
 * data folder. The user's own Jupyter configuration is read as always and never written.
 */
function serverEnv(env = process.env) {
  const prepend = (dir, list) => [dir, ...(list ?? '').split(path.delimiter).filter((p) => p !== '')].join(path.delimiter);
  return {
    ...env,
    JUPYTER_CONFIG_PATH: prepend(path.join(JUPYTER_EXTENSIONS_DIR, 'config'), env.JUPYTER_CONFIG_PATH),
    JUPYTER_PATH: prepend(path.join(JUPYTER_EXTENSIONS_DIR, 'share'), env.JUPYTER_PATH),
    PYTHONPATH: prepend(JUPYTER_EXTENSIONS_DIR, env.PYTHONPATH),
    TRAINLAB_NODE: process.execPath,
  };
}

module.exports = { ROOT, VENV_DIR, HOW_TO_GET, FRONT_ENDS, runs, onPath, hasJupyter, frontEndVersion, findJupyter, findPython, serverEnv };
