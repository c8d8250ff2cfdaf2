'use strict';
// Finding Jupyter and a Python that can import nbclient, with messages that say how to
// get them when they are missing.
const { spawnSync } = require('child_process');

const HOW_TO_GET = [
  'Set TRAINLAB_PYTHON to a Python that can import nbclient and nbconvert, or install them.',
  'Jupyter is needed for this. On Debian/Ubuntu run (as root) scripts/setup-system.sh, which',
  'installs jupyter-notebook, jupyter-client, python3-nbclient and jupyter-nbconvert with apt-get;',
  "elsewhere 'pip install notebook nbclient nbconvert' (or 'pip install jupyterlab').",
].join('\n');

function runs(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim() : undefined;
}

function hasJupyter() {
  return runs('jupyter', ['--version']) !== undefined;
}

/** 'lab' when JupyterLab is installed, else 'notebook' when classic Notebook is, else undefined. */
function jupyterFrontEnd() {
  if (runs('jupyter', ['lab', '--version']) !== undefined) return 'lab';
  if (runs('jupyter', ['notebook', '--version']) !== undefined) return 'notebook';
  return undefined;
}

/**
 * A Python that can import nbclient and nbconvert. A pyenv `python3` first on PATH often
 * cannot, while Debian's system Python (the one `jupyter` runs on) can.
 */
function findPython() {
  // TRAINLAB_PYTHON, when set, is the only one tried: an explicit choice is never overridden.
  const chosen = process.env.TRAINLAB_PYTHON;
  const candidates = chosen ? [chosen] : ['python3', '/usr/bin/python3', 'python'];
  for (const python of candidates) {
    if (runs(python, ['-c', 'import nbclient, nbconvert']) !== undefined) return python;
  }
  return undefined;
}

module.exports = { HOW_TO_GET, hasJupyter, jupyterFrontEnd, findPython };
