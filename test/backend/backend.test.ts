import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { useBackend, BackendError, wasmThreads } from '../../src/backend';

const ROOT = path.resolve(__dirname, '..', '..');

test('unknown backend names are errors that list the choices', async () => {
  const cases: Array<[string, RegExp]> = [
    ['wsam', /useBackend: unknown backend 'wsam'\. Choose one of 'tensorflow', 'wasm', 'cpu' \(did you mean 'wasm'\?\)/],
    ['gpu', /unknown backend 'gpu'\. Choose one of 'tensorflow', 'wasm', 'cpu' \(did you mean 'tensorflow'\?\), or leave it unset/],
    ['webgpu', /unknown backend 'webgpu'\. Choose one of 'tensorflow', 'wasm', 'cpu', or leave it unset/],
    ['', /unknown backend ''/],
  ];
  for (const [name, message] of cases) {
    await assert.rejects(useBackend(name, { quiet: true }), (e: Error) => e instanceof BackendError && message.test(e.message));
  }
});

test("'tensorflow' without the native package says what to install", async () => {
  // This repository's lock file aliases @tensorflow/tfjs-node to @tensorflow/tfjs for
  // danfojs; the alias must not be mistaken for the native package.
  await assert.rejects(useBackend('tensorflow', { quiet: true }), /npm install @tensorflow\/tfjs-node-gpu'.*npm install @tensorflow\/tfjs-node'/);
});

test('explicit wasm and cpu load, and one line names the backend', async () => {
  for (const name of ['cpu', 'wasm', 'cpu'] as const) {
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      assert.equal(await useBackend(name), name);
    } finally {
      console.log = original;
    }
    // wasm also names its thread count (the machine's cores unless TRAINLAB_THREADS says otherwise).
    const threads = name === 'wasm' ? `, ${wasmThreads()} thread${wasmThreads() === 1 ? '' : 's'}` : '';
    assert.deepEqual(lines, [`trainlab: using the ${name} backend (requested${threads})`]);
  }
});

/** Runs useBackend in a fresh process whose working directory holds stand-in packages. */
function chooseIn(standins: Record<string, 'ok' | 'broken' | 'empty'>, env: Record<string, string> = {}): { out: string; err: string } {
  const dir = fs.mkdtempSync(path.join(ROOT, 'build', 'standin-'));
  try {
    for (const [pkg, kind] of Object.entries(standins)) {
      const folder = path.join(dir, 'node_modules', ...pkg.split('/'));
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: pkg, version: '4.22.0', main: 'index.js' }));
      const body = {
        ok: `const core = require('@tensorflow/tfjs-core');
             const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');
             core.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
             globalThis.__standin = ${JSON.stringify(pkg)};`,
        broken: `throw new Error('libtensorflow.so: cannot open shared object file');`,
        empty: `globalThis.__standin = ${JSON.stringify(pkg)};`,
      }[kind];
      fs.writeFileSync(path.join(folder, 'index.js'), body);
    }
    const script = `process.chdir(${JSON.stringify(dir)});
      const { useBackend } = require(${JSON.stringify(path.join(ROOT, 'src', 'backend'))});
      useBackend().then((name) => console.log('RESULT ' + JSON.stringify({ name, loaded: globalThis.__standin ?? null })),
                        (e) => { console.log('ERROR ' + e.message); });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TRAINLAB_BACKEND: '', ...env },
    });
    return { out: r.stdout, err: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('automatic order: native tfjs-node-gpu, then tfjs-node, then wasm (stand-in packages)', () => {
  fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  const cases: Array<[Record<string, 'ok' | 'broken' | 'empty'>, string, string | null, RegExp]> = [
    [{ '@tensorflow/tfjs-node-gpu': 'ok', '@tensorflow/tfjs-node': 'ok' }, 'tensorflow', '@tensorflow/tfjs-node-gpu', /using the tensorflow backend \(auto\)/],
    [{ '@tensorflow/tfjs-node': 'ok' }, 'tensorflow', '@tensorflow/tfjs-node', /using the tensorflow backend \(auto\)/],
    [{}, 'wasm', null, /using the wasm backend \(auto, \d threads?; native tensorflow not installed\)/],
    [{ '@tensorflow/tfjs-node-gpu': 'broken', '@tensorflow/tfjs-node': 'ok' }, 'tensorflow', '@tensorflow/tfjs-node', /using the tensorflow backend/],
    [{ '@tensorflow/tfjs-node-gpu': 'broken' }, 'wasm', null, /using the wasm backend/],
  ];
  for (const [standins, name, loaded, line] of cases) {
    const { out, err } = chooseIn(standins);
    const result = /RESULT (.*)/.exec(out);
    assert.ok(result, `no result for ${JSON.stringify(standins)}:\n${out}\n${err}`);
    assert.deepEqual(JSON.parse(result[1]), { name, loaded }, JSON.stringify(standins));
    assert.match(out, line);
    assert.doesNotMatch(out + err, /looks like you are running TensorFlow\.js/);
  }
});

test('TRAINLAB_BACKEND chooses, and a requested backend that cannot load says why', () => {
  const cases: Array<[Record<string, 'ok' | 'broken' | 'empty'>, string, RegExp]> = [
    [{ '@tensorflow/tfjs-node': 'ok' }, 'cpu', /RESULT \{"name":"cpu","loaded":null\}/],
    [{ '@tensorflow/tfjs-node': 'ok' }, 'tensorflow', /RESULT \{"name":"tensorflow","loaded":"@tensorflow\/tfjs-node"\}/],
    [{ '@tensorflow/tfjs-node-gpu': 'broken' }, 'tensorflow', /ERROR @tensorflow\/tfjs-node-gpu is installed but failed to load: libtensorflow\.so/],
    [{ '@tensorflow/tfjs-node': 'empty' }, 'tensorflow', /ERROR @tensorflow\/tfjs-node loaded but registered no 'tensorflow' backend .*npm install @tensorflow\/tfjs-node@4\.22\.0/],
    [{}, 'cuda', /ERROR TRAINLAB_BACKEND: unknown backend 'cuda'/],
  ];
  for (const [standins, env, expected] of cases) {
    const { out, err } = chooseIn(standins, { TRAINLAB_BACKEND: env });
    assert.match(out, expected, `${env}: ${out}\n${err}`);
  }
});

test('importing trainlab leaves tfjs usable at once, with no banner', () => {
  const script = `const tf = require('@tensorflow/tfjs'); require(${JSON.stringify(path.join(ROOT, 'src'))});
    console.log('SUM ' + tf.tensor([1, 2, 3]).sum().dataSync()[0] + ' ' + tf.getBackend());`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.match(r.stdout, /^SUM 6 cpu$/m, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /looks like you are running TensorFlow\.js/);
});

// The call's shape: options may come alone (the automatic choice); anything else that is not
// a name is an error naming what was received and how to call it.
for (const [name, args, message] of [
  ['a number for the name', [2], /useBackend: the backend must be a name such as 'wasm', received the number 2\. Choose one of 'tensorflow', 'wasm', 'cpu', or pass only options: useBackend\(\{ threads: 2 \}\)\./],
  ['an array for the name', [['wasm']], /received an array/],
  ['options twice', [{ threads: 2 }, { quiet: true }], /useBackend: options were passed twice \(first and second argument\)\. Pass the backend's name first, e\.g\. useBackend\('wasm', \{ threads: 2 \}\), or the options alone/],
  ['a misspelt option alone', [{ thread: 2 }], /useBackend.*thread.*not a known option.*threads/s],
  ['a misspelt option after the name', ['wasm', { quite: true }], /useBackend.*quite.*not a known option.*quiet/s],
  ['quiet not a boolean', ['cpu', { quiet: 'yes' }], /useBackend.*quiet/],
] as const) {
  test(`useBackend call errors: ${name}`, async () => {
    await assert.rejects((useBackend as (...a: unknown[]) => Promise<unknown>)(...args), (e: Error) => {
      assert.ok(e instanceof BackendError, `${e.name}: ${e.message}`);
      assert.match(e.message, message);
      return true;
    });
  });
}

test('useBackend({ threads, quiet }) alone is the automatic choice with those options', () => {
  const script = `const { useBackend, wasmThreads } = require(${JSON.stringify(path.join(ROOT, 'src', 'backend'))});
    useBackend({ threads: 1, quiet: true }).then((name) => console.log('RESULT ' + name + ' ' + wasmThreads()), (e) => console.log('ERROR ' + e.message));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TRAINLAB_BACKEND: '', TRAINLAB_THREADS: '' } });
  assert.equal(r.stdout.trim(), 'RESULT wasm 1', r.stdout + r.stderr);
});
