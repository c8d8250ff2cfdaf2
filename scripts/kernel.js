#!/usr/bin/env node
'use strict';
// npm run kernel:install | kernel:uninstall — registers trainlab's kernel for this user.
// The functions take the `jupyter` to run (default: the one on PATH); `trainlab kernel`
// passes the one it found, which may live in the project venv.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { KERNEL_NAME, writeSpec, resolvedSpec } = require('./kernelspec');
const { HOW_TO_GET, hasJupyter } = require('./jupyter');

function fail(message) {
  console.error(message);
  process.exit(1);
}

function run(jupyter, args) {
  return spawnSync(jupyter, args, { encoding: 'utf8' });
}

/** Path of the installed trainlab kernel spec, or undefined. */
function installedAt({ jupyter = 'jupyter' } = {}) {
  const r = run(jupyter, ['kernelspec', 'list', '--json']);
  if (r.status !== 0) return undefined;
  const spec = JSON.parse(r.stdout).kernelspecs[KERNEL_NAME];
  return spec ? spec.resource_dir : undefined;
}

/** The installed kernel.json, or undefined when there is none (or it cannot be read). */
function installedSpec({ jupyter = 'jupyter' } = {}) {
  const dir = installedAt({ jupyter });
  if (dir === undefined) return undefined;
  try {
    return { dir, spec: JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8')) };
  } catch {
    return undefined;
  }
}

/** True when the registered kernel runs this checkout's tslab with this node. */
function kernelUpToDate({ jupyter = 'jupyter' } = {}) {
  const installed = installedSpec({ jupyter });
  return installed !== undefined && JSON.stringify(installed.spec.argv) === JSON.stringify(resolvedSpec().argv);
}

function install({ quiet = false, jupyter = 'jupyter' } = {}) {
  if (!hasJupyter(jupyter)) fail(`trainlab kernel: the '${jupyter}' command was not found, so the kernel cannot be registered.\n${HOW_TO_GET}`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-kernel-'));
  let r;
  try {
    const dir = writeSpec(path.join(staging, KERNEL_NAME));
    // --user: no root needed; installing over an existing spec replaces it (idempotent).
    r = run(jupyter, ['kernelspec', 'install', '--user', '--name', KERNEL_NAME, dir]);
  } catch (error) {
    fail(error.message);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  if (r.status !== 0) fail(`trainlab kernel: 'jupyter kernelspec install' failed:\n${r.stderr.trim()}`);
  if (!quiet) console.log(`trainlab kernel: registered "TypeScript (trainlab)" at ${installedAt({ jupyter })}`);
}

function uninstall({ jupyter = 'jupyter' } = {}) {
  if (!hasJupyter(jupyter)) fail(`trainlab kernel: the '${jupyter}' command was not found, so there is no kernel to remove.\n${HOW_TO_GET}`);
  const where = installedAt({ jupyter });
  if (where === undefined) {
    console.log('trainlab kernel: not installed, nothing to remove.');
    return;
  }
  const r = run(jupyter, ['kernelspec', 'remove', '-f', KERNEL_NAME]);
  if (r.status !== 0) fail(`trainlab kernel: 'jupyter kernelspec remove' failed:\n${r.stderr.trim()}`);
  console.log(`trainlab kernel: removed ${where}`);
}

module.exports = { install, uninstall, installedAt, installedSpec, kernelUpToDate };

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'install') install();
  else if (command === 'uninstall') uninstall();
  else fail(`usage: node scripts/kernel.js install|uninstall (received '${command ?? ''}')`);
}
