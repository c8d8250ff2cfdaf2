#!/usr/bin/env node
'use strict';
// Builds trainlab's JupyterLab / Notebook 7 extension (jupyter/labextension, TypeScript) into
// the prebuilt form Jupyter loads (jupyter/share/labextensions/trainlab-jupyter), which is
// committed, so nobody needs the build tools to use it:
//
//   node scripts/labextension.js
//
// It installs @jupyter/builder into build/labextension (npm), compiles with this checkout's
// TypeScript, and builds against the JupyterLab in trainlab's venv. The built package.json
// records a hash of the source it came from; a test fails when the source changed since.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { ROOT, VENV_DIR } = require('./jupyter');

const SOURCE = path.join(ROOT, 'jupyter', 'labextension');
const NAME = 'trainlab-jupyter';
const BUILT = path.join(ROOT, 'jupyter', 'share', 'labextensions', NAME);
const WORK = path.join(ROOT, 'build', 'labextension');
const SOURCE_FILES = ['package.json', 'tsconfig.json', 'src/index.ts', 'src/snapshot.ts', 'src/jupyterlab.d.ts'];

/** SHA-256 (first 16 hex digits) of the extension's source files. */
function sourceHash(dir = SOURCE) {
  const hash = crypto.createHash('sha256');
  for (const file of SOURCE_FILES) hash.update(`${file}\n`).update(fs.readFileSync(path.join(dir, file)));
  return hash.digest('hex').slice(0, 16);
}

/** The source hash the committed build records, or undefined when there is no build. */
function builtSourceHash(dir = BUILT) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).trainlab?.source;
  } catch {
    return undefined;
  }
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`labextension: '${cmd} ${args.join(' ')}' failed (${r.error?.message ?? `exit ${r.status}`})`);
}

function corePackageFile() {
  const lib = path.join(VENV_DIR, 'lib');
  const python = fs.existsSync(lib) ? fs.readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  const file = python === undefined ? undefined : path.join(lib, python, 'site-packages', 'jupyterlab', 'staging', 'package.json');
  if (file === undefined || !fs.existsSync(file)) throw new Error(`labextension: no JupyterLab in ${VENV_DIR}; run 'node scripts/venv.js lab notebook' first`);
  return file;
}

function build() {
  const core = corePackageFile();
  fs.rmSync(path.join(WORK, 'src'), { recursive: true, force: true });
  fs.mkdirSync(path.join(WORK, 'src'), { recursive: true });
  for (const file of SOURCE_FILES) fs.copyFileSync(path.join(SOURCE, file), path.join(WORK, file));
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--fetch-retries=1'], WORK);
  run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', WORK], WORK);
  fs.rmSync(path.join(WORK, 'labextension'), { recursive: true, force: true });
  run(path.join(VENV_DIR, 'bin', 'jupyter-builder'), ['build', WORK, '--core-package-file', core], WORK);
  fs.rmSync(BUILT, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(BUILT), { recursive: true });
  fs.cpSync(path.join(WORK, 'labextension'), BUILT, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(BUILT, 'package.json'), 'utf8'));
  pkg.trainlab = { source: sourceHash() };
  fs.writeFileSync(path.join(BUILT, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`labextension: built ${path.relative(ROOT, BUILT)} from source ${pkg.trainlab.source}`);
}

if (require.main === module) {
  try {
    build();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}

module.exports = { SOURCE, BUILT, NAME, sourceHash, builtSourceHash };
