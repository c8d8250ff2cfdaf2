import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '..', '..');

function nodeIn(cwd: string, code: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['-e', code], { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

test("require('trainlab') works from the repository, from notebooks/, and via the repository path", () => {
  const probe = (spec: string) => `const t = require(${JSON.stringify(spec)}); console.log(typeof t.useBackend, typeof t.setSeed, require.resolve(${JSON.stringify(spec)}));`;
  const expected = path.join(ROOT, 'dist', 'index.js');
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-outside-'));
  const cases: Array<[string, string]> = [
    [ROOT, 'trainlab'],
    [path.join(ROOT, 'notebooks'), 'trainlab'],
    [outside, ROOT],
  ];
  for (const [cwd, spec] of cases) {
    const r = nodeIn(cwd, probe(spec));
    assert.equal(r.status, 0, r.out);
    const [kind1, kind2, resolved] = r.out.trim().split(' ');
    assert.deepEqual([kind1, kind2], ['function', 'function'], `${cwd}: ${r.out}`);
    assert.equal(fs.realpathSync(resolved), expected);
  }
  fs.rmSync(outside, { recursive: true, force: true });
});

test('the compiled output is CommonJS with declarations, as package.json says', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'trainlab');
  assert.equal(pkg.main, 'dist/index.js');
  assert.equal(pkg.types, 'dist/index.d.ts');
  assert.equal(pkg.exports['.'].require, './dist/index.js');
  const js = fs.readFileSync(path.join(ROOT, 'dist', 'index.js'), 'utf8');
  assert.match(js, /^"use strict";/);
  assert.match(js, /exports\./);
  assert.doesNotMatch(js, /^export /m);
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'index.d.ts')));
});

// Notebook users see trainlab's types through tslab's own TypeScript (5.0), not ours.
test("trainlab's declarations type-check under tslab's TypeScript, and misuse is caught", () => {
  const dir = fs.mkdtempSync(path.join(ROOT, 'build', 'tscheck-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'ok.ts'),
      `import * as tl from "trainlab";
       import * as tf from "@tensorflow/tfjs";
       async function main(): Promise<void> {
         const name: tl.BackendName = await tl.useBackend("wasm");
         tl.setSeed(1);
         const config = tl.defineConfig({ learningRate: 0.01, optimizer: "adam", epochs: 3 });
         const model = tl.models.mlp({ inputShape: [2], hidden: [8], output: "regression" });
         const run = await tl.train(model, { x: tf.zeros([4, 2]), y: tf.zeros([4, 1]) }, config);
         tl.show(tl.charts.lossCurves(run));
         console.log(name, run.bestEpoch);
       }
       main();`,
    );
    fs.writeFileSync(path.join(dir, 'bad.ts'), `import * as tl from "trainlab";\ntl.defineConfig({ optimizer: "adamm" });\n`);
    const tsc = path.join(ROOT, 'node_modules', '@tslab', 'typescript-for-tslab', 'bin', 'tsc');
    const args = (file: string) => [tsc, '--noEmit', '--strict', '--target', 'es2020', '--module', 'commonjs', '--moduleResolution', 'node10', '--esModuleInterop', '--skipLibCheck', '--types', 'node', path.join(dir, file)];
    const ok = spawnSync(process.execPath, args('ok.ts'), { cwd: ROOT, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const bad = spawnSync(process.execPath, args('bad.ts'), { cwd: ROOT, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout, /bad\.ts\(2,.*"adamm"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
