#!/usr/bin/env node
'use strict';
// npm run tutorials [-- NAME ...] or trainlab tutorials [NAME ...] — executes the notebooks
// in notebooks/ headless through Jupyter's own client with the trainlab kernel; writes each
// executed .ipynb and an .html export to build/notebooks/. A failing cell fails the
// command, naming notebook and cell. With --publish, each executed notebook is also saved
// back into notebooks/ with its outputs and charts as pictures (see publish.js).
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { ROOT, privateJupyterPath } = require('./kernelspec');
const { HOW_TO_GET, findPython } = require('./jupyter');
const { publish } = require('./publish');

const NOTEBOOKS = path.join(ROOT, 'notebooks');
const OUT = path.join(ROOT, 'build', 'notebooks');

function listNotebooks(filters) {
  const all = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort();
  if (filters.length === 0) return all;
  const picked = all.filter((f) => filters.some((want) => f.includes(want)));
  if (picked.length === 0) {
    throw new Error(`tutorials: no notebook in notebooks/ matches ${filters.join(', ')}. Available: ${all.join(', ')}`);
  }
  return picked;
}

/**
 * Runs one notebook (a path) and writes `<outDir>/<name>.ipynb` and `.html`; resolves to
 * {file, ok, seconds, ipynb, html, output}.
 */
function executeNotebook(python, file, { jupyterPath, outDir = OUT, timeout = 600, echo = true } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const stem = path.basename(file, '.ipynb');
  const ipynb = path.join(outDir, `${stem}.ipynb`);
  const html = path.join(outDir, `${stem}.html`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      python,
      [path.join(__dirname, 'execute_notebook.py'), file, ipynb, html, '--timeout', String(timeout)],
      { env: { ...process.env, JUPYTER_PATH: jupyterPath, PYTHONWARNINGS: 'ignore' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', (chunk) => {
      const text = String(chunk);
      // Jupyter's debugger chatter about frozen modules is noise, not an error.
      if (!/frozen modules|PYDEVD_DISABLE_FILE_VALIDATION|Debugger warning|to python to disable/.test(text)) collect(text);
    });
    child.on('close', (code) => {
      resolve({ file, ok: code === 0, seconds: (Date.now() - started) / 1000, ipynb, html, output });
    });
  });
}

/** Runs the notebooks whose names contain one of `filters` (all when empty); exits 1 on failure. */
async function main(args = process.argv.slice(2)) {
  const publishing = args.includes('--publish');
  const filters = args.filter((a) => a !== '--publish');
  const unknown = filters.filter((a) => a.startsWith('-'));
  if (unknown.length > 0) {
    console.error(`tutorials: unknown option ${unknown.join(', ')}. Options: --publish (save executed notebooks with their outputs into notebooks/).`);
    process.exit(1);
  }
  const python = findPython();
  if (python === undefined) {
    console.error(`tutorials: no Python that can import nbclient and nbconvert was found.\n${HOW_TO_GET}`);
    process.exit(1);
  }
  const files = listNotebooks(filters);
  const jupyterPath = privateJupyterPath();
  const results = [];
  for (const [i, file] of files.entries()) {
    console.log(`[${i + 1}/${files.length}] ${file}`);
    const result = await executeNotebook(python, path.join(NOTEBOOKS, file), { jupyterPath });
    console.log(`    ${result.ok ? 'ok' : 'FAILED'} in ${result.seconds.toFixed(1)}s`);
    if (result.ok && publishing) {
      const bytes = await publish(result.ipynb, path.join(NOTEBOOKS, file));
      console.log(`    published notebooks/${file} (${(bytes / 1024 / 1024).toFixed(2)} MB, charts as pictures)`);
    }
    results.push(result);
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\nExecuted notebooks are in ${path.relative(process.cwd(), OUT) || OUT}/ (.ipynb and .html).`);
  if (failed.length > 0) {
    console.error(`tutorials: ${failed.length} of ${results.length} notebooks failed: ${failed.map((r) => r.file).join(', ')}`);
    process.exit(1);
  }
}

module.exports = { main, executeNotebook, listNotebooks, NOTEBOOKS, OUT };

if (require.main === module) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
