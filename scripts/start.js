#!/usr/bin/env node
'use strict';
// npm start — registers the trainlab kernel if needed, then opens JupyterLab (or the
// classic Notebook when JupyterLab is not installed) on notebooks/.
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { ROOT, resolvedSpec } = require('./kernelspec');
const { HOW_TO_GET, jupyterFrontEnd } = require('./jupyter');
const kernel = require('./kernel');

function kernelUpToDate() {
  const dir = kernel.installedAt();
  if (dir === undefined) return false;
  try {
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
    return JSON.stringify(installed.argv) === JSON.stringify(resolvedSpec().argv);
  } catch {
    return false;
  }
}

const frontEnd = jupyterFrontEnd();
if (frontEnd === undefined) {
  console.error(`npm start: neither JupyterLab nor Jupyter Notebook was found.\n${HOW_TO_GET}`);
  process.exit(1);
}
if (!kernelUpToDate()) kernel.install();
const args = [frontEnd, `--notebook-dir=${path.join(ROOT, 'notebooks')}`, ...process.argv.slice(2)];
if (process.getuid && process.getuid() === 0) args.push('--allow-root');
console.log(`npm start: jupyter ${args.join(' ')}`);
const child = spawn('jupyter', args, { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
