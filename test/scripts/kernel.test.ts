import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '..', '..');

function run(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('kernel:install registers the kernel with absolute paths, idempotently; kernel:uninstall removes it', () => {
  // A private HOME too: Jupyter also looks in ~/.local/share/jupyter, and the test must
  // never touch (or remove) the kernel a user registered there.
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-jupyter-'));
  const env = { JUPYTER_DATA_DIR: data, HOME: data };
  const specFile = path.join(data, 'kernels', 'trainlab', 'kernel.json');
  for (let i = 0; i < 2; i++) {
    const r = run('kernel.js', ['install'], env);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /registered "TypeScript \(trainlab\)" at .*kernels\/trainlab/);
  }
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  assert.deepEqual(spec.argv, [process.execPath, path.join(ROOT, 'dist', 'kernel', 'main.js'), '--config-path', '{connection_file}']);
  assert.equal(spec.display_name, 'TypeScript (trainlab)');
  assert.equal(spec.language, 'typescript');
  assert.ok(fs.existsSync(path.join(data, 'kernels', 'trainlab', 'logo-64x64.png')));
  const removed = run('kernel.js', ['uninstall'], env);
  assert.equal(removed.status, 0, removed.out);
  assert.ok(!fs.existsSync(specFile));
  const again = run('kernel.js', ['uninstall'], env);
  assert.match(again.out, /not installed, nothing to remove/);
  fs.rmSync(data, { recursive: true, force: true });
});

/** A PATH holding node and a fake `jupyter` (or none), nothing else from the system. */
function fakePath(jupyterScript: string | undefined): { dir: string; log: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-bin-'));
  const log = path.join(dir, 'calls.log');
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  for (const tool of ['sh', 'env']) {
    const found = ['/bin', '/usr/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
    if (found !== undefined) fs.symlinkSync(found, path.join(dir, tool));
  }
  if (jupyterScript !== undefined) {
    fs.writeFileSync(path.join(dir, 'jupyter'), `#!/bin/sh\necho "$@" >> ${log}\n${jupyterScript}\n`, { mode: 0o755 });
  }
  return { dir, log };
}

// npm start (trainlab lab) without Jupyter: test/scripts/cli.test.ts.
test('without Jupyter, kernel:install and tutorials say how to get it', () => {
  const { dir } = fakePath(undefined);
  for (const [script, args, what] of [
    ['kernel.js', ['install'], /the 'jupyter' command was not found/],
  ] as const) {
    const r = run(script, [...args], { PATH: dir, TRAINLAB_PYTHON: '' });
    assert.notEqual(r.status, 0);
    assert.match(r.out, what);
    assert.match(r.out, /scripts\/setup-system\.sh/);
    assert.match(r.out, /pip install/);
  }
  const tutorials = run('tutorials.js', [], { PATH: dir, TRAINLAB_PYTHON: path.join(dir, 'no-such-python') });
  assert.notEqual(tutorials.status, 0);
  assert.match(tutorials.out, /no Python that can import nbclient and nbconvert was found/);
  fs.rmSync(dir, { recursive: true, force: true });
});
