'use strict';
// Writes trainlab's Jupyter kernel spec with absolute paths: this node binary and this
// checkout's own kernel (dist/kernel/main.js, which runs the tslab trainlab depends on). Shared by `npm run kernel:install`,
// `npm start`, `npm run tutorials` and the notebook tests.
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const KERNEL_NAME = 'trainlab';
const TEMPLATE_DIR = path.join(ROOT, 'kernel-spec', KERNEL_NAME);

function kernelMain(root = ROOT) {
  const main = path.join(root, 'dist', 'kernel', 'main.js');
  if (!fs.existsSync(main)) {
    throw new Error(
      `trainlab kernel: ${main} is missing. Run 'npm install' (or 'npm run build') in ${root} first; ` +
        'the kernel runs this checkout\'s own build and its tslab, never a global one.',
    );
  }
  return main;
}

/** The kernel.json contents with absolute paths resolved now. */
function resolvedSpec(root = ROOT) {
  const template = JSON.parse(fs.readFileSync(path.join(TEMPLATE_DIR, 'kernel.json'), 'utf8'));
  const argv = template.argv.map((arg) => {
    if (arg === 'node') return process.execPath;
    if (arg.startsWith('dist/')) return path.join(root, arg);
    return arg;
  });
  kernelMain(root);
  const { metadata, ...rest } = template;
  return { ...rest, argv, metadata: { trainlab_root: root } };
}

/** Writes the resolved spec (kernel.json + logos) into `dir`; returns `dir`. */
function writeSpec(dir, root = ROOT) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(resolvedSpec(root), null, 2) + '\n');
  for (const file of fs.readdirSync(TEMPLATE_DIR)) {
    if (file.endsWith('.png') || file.endsWith('.svg')) fs.copyFileSync(path.join(TEMPLATE_DIR, file), path.join(dir, file));
  }
  return dir;
}

/**
 * A private Jupyter data folder holding only trainlab's kernel, for running notebooks
 * without touching the user's own kernels: set JUPYTER_PATH to the returned folder.
 */
function privateJupyterPath(root = ROOT) {
  const base = path.join(root, 'build', 'jupyter');
  writeSpec(path.join(base, 'kernels', KERNEL_NAME), root);
  return base;
}

module.exports = { ROOT, KERNEL_NAME, resolvedSpec, writeSpec, privateJupyterPath, kernelMain };
