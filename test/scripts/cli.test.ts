// The `trainlab` command, run as a child process with a private HOME and a PATH holding
// only node and the fakes a case asks for (jupyter, python3 and the venv's python/pip),
// so nothing of the user's Jupyter, kernels or Python is read or touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { freePort } from '../helpers/net';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'scripts', 'cli.js');
const VENV_JS = path.join(ROOT, 'scripts', 'venv.js');
const ROOT_FLAG = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-root'] : [];
const { resolvedSpec } = require('../../scripts/kernelspec') as { resolvedSpec(): { argv: string[] } };

interface FakeJupyter {
  /** `jupyter lab --version` output; undefined: no JupyterLab. */
  lab?: string;
  /** `jupyter notebook --version` output; undefined: no Notebook. */
  notebook?: string;
  /** What launching `jupyter lab|notebook ...` does. Defaults to exit 0, no output. */
  launch?: { code: number; stderr: string };
}

interface FakePython {
  /** 'missing': `-m venv` fails like Debian's Python without python3-venv. */
  venv: 'ok' | 'missing';
  /** 'offline': pip cannot reach an index; 'ok': pip "installs" a fake jupyter. */
  pip: 'ok' | 'offline';
}

interface Sandbox {
  root: string;
  home: string;
  bin: string;
  venv: string;
  log: string;
  env: Record<string, string>;
  /** [program, ...args] of every call a fake received, in order. */
  calls(): string[][];
}

/**
 * A fake `jupyter` (a node script) that keeps kernel specs in $HOME/.local/share/jupyter
 * like the real one, so install, list and the doctor see one consistent state.
 */
function fakeJupyterSource(log: string, fake: FakeJupyter): string {
  return `#!${process.execPath}
const fs = require('fs'), path = require('path');
const fake = ${JSON.stringify(fake)};
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([process.argv[1], ...args]) + '\\n');
const kernels = path.join(process.env.HOME, '.local', 'share', 'jupyter', 'kernels');
const [sub, next] = args;
if (sub === '--version') { console.log('jupyter_core : 5.7.2'); process.exit(0); }
if ((sub === 'lab' || sub === 'notebook') && next === '--version') {
  if (fake[sub] === undefined) { console.error('Jupyter command \`jupyter-' + sub + '\` not found.'); process.exit(1); }
  console.log(fake[sub]); process.exit(0);
}
if (sub === 'kernelspec' && next === 'list') {
  const specs = {};
  for (const name of fs.existsSync(kernels) ? fs.readdirSync(kernels) : []) specs[name] = { resource_dir: path.join(kernels, name) };
  console.log(JSON.stringify({ kernelspecs: specs })); process.exit(0);
}
if (sub === 'kernelspec' && next === 'install') {
  const name = args[args.indexOf('--name') + 1];
  fs.cpSync(args[args.length - 1], path.join(kernels, name), { recursive: true }); process.exit(0);
}
if (sub === 'kernelspec' && next === 'remove') { fs.rmSync(path.join(kernels, args[args.length - 1]), { recursive: true }); process.exit(0); }
if (sub === 'lab' || sub === 'notebook') {
  const launch = fake.launch || { code: 0, stderr: '' };
  process.stderr.write(launch.stderr); process.exit(launch.code);
}
process.exit(64);
`;
}

/**
 * A fake `python3`. Copied into the venv it made as bin/python, it plays the venv's
 * Python: answers trainlab's installed-versions probe from installed.json and runs a fake pip.
 */
function fakePythonSource(log: string, fake: FakePython, jupyterSource: string): string {
  return `#!${process.execPath}
const fs = require('fs'), path = require('path');
const fake = ${JSON.stringify(fake)};
const self = process.argv[1];
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([self, ...args]) + '\\n');
const venv = path.dirname(path.dirname(self));
const installedFile = path.join(venv, 'installed.json');
const installed = fs.existsSync(installedFile) ? JSON.parse(fs.readFileSync(installedFile, 'utf8')) : {};
if (args[0] === '--version') { console.log('Python 3.11.2'); process.exit(0); }
if (args[0] === '-m' && args[1] === 'venv') {
  if (fake.venv === 'missing') { console.error(self + ': No module named venv'); process.exit(1); }
  fs.mkdirSync(path.join(args[2], 'bin'), { recursive: true });
  fs.copyFileSync(self, path.join(args[2], 'bin', 'python')); fs.chmodSync(path.join(args[2], 'bin', 'python'), 0o755);
  process.exit(0);
}
if (args[0] === '-c' && args[1].includes('import venv')) process.exit(fake.venv === 'missing' ? 1 : 0);
if (args[0] === '-c' && args[1].includes('import nbclient')) process.exit(0);
if (args[0] === '-c' && path.basename(self) === 'python') {
  const out = {};
  for (const d of args.slice(2)) out[d] = installed[d] ?? null;
  console.log(JSON.stringify(out)); process.exit(0);
}
if (args[0] === '-m' && args[1] === 'pip' && args[2] === 'install') {
  const wanted = args.slice(3).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] || '').startsWith('--'));
  if (fake.pip === 'offline') {
    console.error('ERROR: Could not find a version that satisfies the requirement ' + wanted[0] + ' (from versions: none)');
    console.error('ERROR: No matching distribution found for ' + wanted[0]);
    process.exit(1);
  }
  for (const d of wanted) installed[d] = '9.9.9';
  fs.writeFileSync(installedFile, JSON.stringify(installed));
  fs.writeFileSync(path.join(venv, 'bin', 'jupyter'), ${JSON.stringify(jupyterSource)}, { mode: 0o755 });
  process.exit(0);
}
process.exit(64);
`;
}

function sandbox(fakes: { jupyter?: FakeJupyter; python?: FakePython } = {}): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-cli-'));
  const home = path.join(root, 'home');
  const bin = path.join(root, 'bin');
  const venv = path.join(root, 'venv');
  const log = path.join(root, 'calls.log');
  fs.mkdirSync(home);
  fs.mkdirSync(bin);
  fs.writeFileSync(log, '');
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  if (fakes.jupyter !== undefined) fs.writeFileSync(path.join(bin, 'jupyter'), fakeJupyterSource(log, fakes.jupyter), { mode: 0o755 });
  if (fakes.python !== undefined) {
    const venvJupyter = fakeJupyterSource(log, { lab: '4.6.0', notebook: '7.6.0' });
    fs.writeFileSync(path.join(bin, 'python3'), fakePythonSource(log, fakes.python, venvJupyter), { mode: 0o755 });
  }
  return {
    root,
    home,
    bin,
    venv,
    log,
    env: { PATH: bin, HOME: home, TRAINLAB_VENV: venv },
    calls: () =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as string[]),
  };
}

function run(script: string, args: string[], env: Record<string, string>, cwd = ROOT) {
  const started = Date.now();
  // The environment is only what the case gives: no TRAINLAB_*, JUPYTER_* or PATH of the user's.
  const r = spawnSync(process.execPath, [script, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, out: r.stdout + r.stderr, ms: Date.now() - started };
}

/** A kernel spec registered under the private HOME whose argv is `argv`. */
function registerKernel(box: Sandbox, argv: string[]): string {
  const dir = path.join(box.home, '.local', 'share', 'jupyter', 'kernels', 'trainlab');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify({ argv, display_name: 'TypeScript (trainlab)', language: 'typescript' }));
  return dir;
}

test('--help prints the usage; no, an unknown or a malformed command prints it with exit code 2', () => {
  const box = sandbox();
  const cases: Array<[string[], number, RegExp]> = [
    [['--help'], 0, /^usage: trainlab <command>/],
    [['-h'], 0, /^usage: trainlab <command>/],
    [[], 2, /trainlab: no command given\n\nusage: trainlab/],
    [['frobnicate'], 2, /trainlab: unknown command 'frobnicate'\n\nusage: trainlab/],
    [['kernel'], 2, /trainlab kernel: expected 'install' or 'uninstall', received ''/],
    [['kernel', 'reinstall'], 2, /expected 'install' or 'uninstall', received 'reinstall'/],
    [['doctor', 'extra'], 2, /trainlab doctor: takes no arguments, received 'extra'/],
    [['lab', 'notebooks', '--port', '9'], 2, /options for Jupyter go after --, e.g\. trainlab lab notebooks 9 -- --port/],
    [['lab', 'a', 'b'], 2, /one folder at most, received a b/],
    [['notebook', 'no-such-folder'], 2, /no-such-folder is not a folder/],
  ];
  for (const [args, status, message] of cases) {
    const r = run(CLI, args, box.env);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, message, args.join(' '));
    for (const command of ['lab [dir]', 'notebook [dir]', 'kernel install|uninstall', 'tutorials', 'doctor']) assert.ok(r.out.includes(command), `${args.join(' ')}: usage lacks ${command}`);
  }
  assert.deepEqual(box.calls(), [], 'no usage error may run anything');
  fs.rmSync(box.root, { recursive: true, force: true });
});

test('trainlab lab|notebook: a missing JupyterLab that cannot be installed fails at once, saying why and what to do', () => {
  const cases: Array<{
    name: string;
    args: string[];
    fakes: { jupyter?: FakeJupyter; python?: FakePython };
    env?: (box: Sandbox) => Record<string, string>;
    messages: RegExp[];
  }> = [
    {
      name: 'TRAINLAB_JUPYTER names a file that does not exist (never falls back to the working jupyter on PATH)',
      args: ['lab'],
      fakes: { jupyter: { lab: '4.6.0' }, python: { venv: 'ok', pip: 'ok' } },
      env: () => ({ TRAINLAB_JUPYTER: '/no/such/jupyter' }),
      messages: [/trainlab lab: TRAINLAB_JUPYTER is set to \/no\/such\/jupyter, which does not exist/, /or unset it/],
    },
    {
      name: 'TRAINLAB_JUPYTER is a jupyter without JupyterLab',
      args: ['lab'],
      fakes: { jupyter: { notebook: '6.4.12' } },
      env: (box) => ({ TRAINLAB_JUPYTER: path.join(box.bin, 'jupyter') }),
      messages: [/TRAINLAB_JUPYTER is set to .*\/bin\/jupyter, which does not run JupyterLab \('.*jupyter lab --version' failed\)/, /pip install jupyterlab/],
    },
    {
      name: 'no python3 on PATH',
      args: ['lab'],
      fakes: {},
      messages: [/no Python found: 'python3' is not on PATH/, /apt-get install python3 python3-venv/, /TRAINLAB_JUPYTER/],
    },
    {
      name: 'python3 without its venv module',
      args: ['lab'],
      fakes: { python: { venv: 'missing', pip: 'ok' } },
      messages: [/cannot create virtual environments/, /install the python3-venv package: apt-get install python3-venv/, /No module named venv/],
    },
    {
      name: 'pip cannot reach an index (lab)',
      args: ['lab'],
      fakes: { python: { venv: 'ok', pip: 'offline' } },
      messages: [/No matching distribution found for jupyterlab/, /pip could not install jupyterlab into /, /point it at one: 'pip config set global\.index-url URL' or PIP_INDEX_URL/, /set TRAINLAB_JUPYTER/],
    },
    {
      name: 'pip cannot reach an index (notebook; Notebook 6 on PATH does not count)',
      args: ['notebook'],
      fakes: { jupyter: { notebook: '6.4.12' }, python: { venv: 'ok', pip: 'offline' } },
      messages: [/no Notebook 7 found \(seen: .*bin\/jupyter \(PATH\) has notebook 6\.4\.12\)/, /pip could not install notebook into /],
    },
  ];
  for (const c of cases) {
    const box = sandbox(c.fakes);
    const r = run(CLI, c.args, { ...box.env, ...(c.env?.(box) ?? {}) });
    assert.equal(r.status, 1, `${c.name}: ${r.out}`);
    for (const message of c.messages) assert.match(r.out, message, `${c.name}: ${r.out}`);
    assert.ok(r.ms < 5000, `${c.name}: took ${r.ms} ms`);
    const calls = box.calls();
    assert.ok(!calls.some(([, sub, next]) => (sub === 'lab' || sub === 'notebook') && next !== '--version'), `${c.name}: launched Jupyter: ${JSON.stringify(calls)}`);
    const pip = calls.find(([, m, p]) => m === '-m' && p === 'pip');
    if (pip !== undefined) assert.deepEqual(pip.slice(1), ['-m', 'pip', 'install', '--retries', '0', '--timeout', '3', c.args[0] === 'lab' ? 'jupyterlab' : 'notebook'], c.name);
    // A failed venv is removed so that the next run does not take it for a working one.
    if (c.fakes.python?.venv === 'missing') assert.ok(!fs.existsSync(box.venv), `${c.name}: left ${box.venv}`);
    fs.rmSync(box.root, { recursive: true, force: true });
  }
});

test('trainlab lab|notebook registers the kernel when missing or stale, then runs Jupyter on the folder with the extra arguments', () => {
  const stale = [process.execPath, '/elsewhere/dist/kernel/main.js', '--config-path', '{connection_file}'];
  const cases: Array<{ name: string; args: string[]; kernel?: string[]; fakes: { jupyter?: FakeJupyter; python?: FakePython }; jupyter: (box: Sandbox) => string; registers: boolean }> = [
    { name: 'JupyterLab on PATH, no kernel yet', args: ['lab', '<dir>', '--', '--no-browser', '--port', '8899'], fakes: { jupyter: { lab: '4.6.0' } }, jupyter: (b) => path.join(b.bin, 'jupyter'), registers: true },
    { name: 'kernel pointing at another checkout', args: ['lab', '<dir>'], kernel: stale, fakes: { jupyter: { lab: '4.6.0' } }, jupyter: (b) => path.join(b.bin, 'jupyter'), registers: true },
    { name: 'kernel already up to date', args: ['lab', '<dir>'], kernel: resolvedSpec().argv, fakes: { jupyter: { lab: '4.6.0' } }, jupyter: (b) => path.join(b.bin, 'jupyter'), registers: false },
    {
      name: 'no Notebook 7 anywhere: installed into the venv, then opened from it',
      args: ['notebook', '<dir>', '--', '--no-browser'],
      fakes: { jupyter: { lab: '4.6.0', notebook: '6.4.12' }, python: { venv: 'ok', pip: 'ok' } },
      jupyter: (b) => path.join(b.venv, 'bin', 'jupyter'),
      registers: true,
    },
  ];
  for (const c of cases) {
    const box = sandbox(c.fakes);
    const dir = fs.mkdtempSync(path.join(box.root, 'notebooks-'));
    if (c.kernel !== undefined) registerKernel(box, c.kernel);
    const r = run(CLI, c.args.map((a) => (a === '<dir>' ? dir : a)), box.env);
    assert.equal(r.status, 0, `${c.name}: ${r.out}`);
    const calls = box.calls();
    const jupyter = c.jupyter(box);
    const installs = calls.filter(([, sub, next]) => sub === 'kernelspec' && next === 'install');
    assert.equal(installs.length, c.registers ? 1 : 0, `${c.name}: ${JSON.stringify(calls)}`);
    if (c.registers) {
      assert.deepEqual(installs[0].slice(0, 6), [jupyter, 'kernelspec', 'install', '--user', '--name', 'trainlab'], c.name);
      const spec = JSON.parse(fs.readFileSync(path.join(box.home, '.local', 'share', 'jupyter', 'kernels', 'trainlab', 'kernel.json'), 'utf8'));
      assert.deepEqual(spec.argv, resolvedSpec().argv, c.name);
    }
    const frontEnd = c.args[0];
    const extra = c.args.includes('--') ? c.args.slice(c.args.indexOf('--') + 1) : [];
    assert.deepEqual(calls[calls.length - 1], [jupyter, frontEnd, `--notebook-dir=${dir}`, ...ROOT_FLAG, ...extra], c.name);
    assert.match(r.out, new RegExp(`trainlab ${frontEnd}: ${jupyter} ${frontEnd} --notebook-dir=`), c.name);
    fs.rmSync(box.root, { recursive: true, force: true });
  }
});

test('a Jupyter that fails to start is reported with its exit code and the likely cause', () => {
  const cases: Array<[string, RegExp[]]> = [
    ['[C ServerApp] ERROR: the Jupyter server could not be started because port 8888 is not available.\nThe port 8888 is already in use.\n', [/A port it needed is in use/, /-- --port N/]],
    ['ModuleNotFoundError: No module named jupyter_server\n', [/A Python module is missing/, /node scripts\/venv\.js lab notebook/]],
    ['something else went wrong\n', [/its messages above say why/]],
  ];
  for (const [stderr, messages] of cases) {
    const box = sandbox({ jupyter: { lab: '4.6.0', launch: { code: 1, stderr } } });
    const r = run(CLI, ['lab', box.root], box.env);
    assert.equal(r.status, 1, r.out);
    assert.ok(r.out.includes(stderr), 'Jupyter\'s own stderr is passed through');
    assert.match(r.out, /trainlab lab: '.*\/bin\/jupyter lab' exited with code 1 before it started serving\./);
    for (const message of messages) assert.match(r.out, message);
    fs.rmSync(box.root, { recursive: true, force: true });
  }
});

test('trainlab tutorials runs the code of npm run tutorials', () => {
  const box = sandbox({ python: { venv: 'ok', pip: 'ok' } });
  const python = path.join(box.bin, 'python3');
  const cases: Array<[string[], string, RegExp]> = [
    [['tutorials'], path.join(box.bin, 'no-such-python'), /^tutorials: no Python that can import nbclient and nbconvert was found\.\n/],
    [['tutorials', 'no-such-notebook'], python, /^tutorials: no notebook in notebooks\/ matches no-such-notebook\. Available: .*\.ipynb/],
  ];
  for (const [args, chosen, message] of cases) {
    const r = run(CLI, args, { ...box.env, TRAINLAB_PYTHON: chosen });
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, message);
  }
  fs.rmSync(box.root, { recursive: true, force: true });
});

test('trainlab kernel install|uninstall registers and removes the kernel through the jupyter it finds', () => {
  const box = sandbox();
  const venvJupyter = path.join(box.venv, 'bin', 'jupyter');
  fs.mkdirSync(path.dirname(venvJupyter), { recursive: true });
  fs.writeFileSync(venvJupyter, fakeJupyterSource(box.log, {}), { mode: 0o755 });
  const specFile = path.join(box.home, '.local', 'share', 'jupyter', 'kernels', 'trainlab', 'kernel.json');
  const steps: Array<[string, RegExp, boolean]> = [
    ['install', /registered "TypeScript \(trainlab\)" at .*home\/\.local\/share\/jupyter\/kernels\/trainlab/, true],
    ['install', /registered/, true],
    ['uninstall', /removed .*kernels\/trainlab/, false],
    ['uninstall', /not installed, nothing to remove/, false],
  ];
  for (const [what, message, present] of steps) {
    const r = run(CLI, ['kernel', what], box.env);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, message);
    assert.equal(fs.existsSync(specFile), present, `after ${what}`);
  }
  assert.ok(box.calls().every(([program]) => program === venvJupyter), 'only the venv jupyter (PATH has none)');
  const missing = run(CLI, ['kernel', 'install'], { ...box.env, TRAINLAB_JUPYTER: '/no/such/jupyter' });
  assert.equal(missing.status, 1);
  assert.match(missing.out, /TRAINLAB_JUPYTER is set to \/no\/such\/jupyter, which does not exist/);
  fs.rmSync(box.root, { recursive: true, force: true });
});

test('trainlab doctor reports each item with its fix and exits 0 only when trainlab lab has what it needs', () => {
  const items = [/ Node\.js +v\d+/, / Python /, / JupyterLab /, / Notebook 7 /, / kernel /, / tslab /, / build /, / backend +useBackend\(\) would pick (tensorflow|wasm|cpu) \(@tensorflow\/tfjs-node-gpu: /];
  const cases: Array<{ name: string; fakes: { jupyter?: FakeJupyter; python?: FakePython }; kernel?: string[]; status: number; lines: RegExp[] }> = [
    {
      name: 'nothing but node',
      fakes: {},
      status: 1,
      lines: [
        /note +Python +no 'python3' on PATH.*\n +fix: apt-get install python3 python3-venv/,
        /missing JupyterLab +not found\n +fix: node scripts\/venv\.js lab/,
        /note +Notebook 7 +not found\n +fix: node scripts\/venv\.js notebook/,
        /note +kernel +cannot tell: no jupyter to ask\n +fix: trainlab kernel install/,
        /ok +tslab /,
        /ok +build +.*dist\/index\.js; the kernel runs .*dist\/kernel\/main\.js/,
        /Missing for `trainlab lab`: JupyterLab \(the fixes are above\)\./,
      ],
    },
    {
      name: 'python3 without venv, Notebook 6 on PATH, a stale kernel',
      fakes: { jupyter: { notebook: '6.4.12' }, python: { venv: 'missing', pip: 'ok' } },
      kernel: [process.execPath, '/elsewhere/dist/kernel/main.js', '--config-path', '{connection_file}'],
      status: 1,
      lines: [
        /note +Python +Python 3\.11\.2 at .*\/bin\/python3, without the venv module.*\n +fix: apt-get install python3-venv/,
        /missing JupyterLab +not found \(seen: .*\/bin\/jupyter \(PATH\) has no 'lab'\)/,
        /note +Notebook 7 +not found \(seen: .*has notebook 6\.4\.12\)/,
        /note +kernel +registered at .*kernels\/trainlab but points elsewhere \(runs .* \/elsewhere\/dist\/kernel\/main\.js\)\n +fix: trainlab kernel install/,
      ],
    },
    {
      name: 'JupyterLab and Notebook 7 on PATH, kernel registered for this checkout',
      fakes: { jupyter: { lab: '4.6.0', notebook: '7.6.0' }, python: { venv: 'ok', pip: 'ok' } },
      kernel: resolvedSpec().argv,
      status: 0,
      lines: [
        /ok +Python +Python 3\.11\.2 at .*\/bin\/python3 \(can create venvs\)/,
        /ok +JupyterLab +4\.6\.0 at .*\/bin\/jupyter \(on PATH, not from the project venv\)/,
        /ok +Notebook 7 +7\.6\.0 at /,
        /ok +kernel +registered at .*kernels\/trainlab, runs this checkout's kernel with this node/,
        /Everything `trainlab lab` needs is there\./,
      ],
    },
  ];
  for (const c of cases) {
    const box = sandbox(c.fakes);
    if (c.kernel !== undefined) registerKernel(box, c.kernel);
    const r = run(CLI, ['doctor'], box.env);
    assert.equal(r.status, c.status, `${c.name}: ${r.out}`);
    for (const line of [...items, ...c.lines]) assert.match(r.stdout, line, `${c.name}:\n${r.out}`);
    fs.rmSync(box.root, { recursive: true, force: true });
  }
});

test('doctor names the project venv as the source of JupyterLab when it is there', () => {
  const box = sandbox({ python: { venv: 'ok', pip: 'ok' } });
  const filled = run(VENV_JS, ['lab'], box.env);
  assert.equal(filled.status, 0, filled.out);
  const r = run(CLI, ['doctor'], box.env);
  assert.match(r.stdout, new RegExp(`ok +JupyterLab +4\\.6\\.0 at ${box.venv}/bin/jupyter \\(from the project venv\\)`), r.out);
  fs.rmSync(box.root, { recursive: true, force: true });
});

test('node scripts/venv.js creates the venv, installs only what is missing, and does nothing when all is there', () => {
  const box = sandbox({ python: { venv: 'ok', pip: 'ok' } });
  const pipCalls = () => box.calls().filter(([, m, p]) => m === '-m' && p === 'pip').map((c) => c.slice(8));
  const steps: Array<[string[], RegExp, string[][]]> = [
    [['lab'], /creating a Python virtual environment: .*python3 -m venv .*venv\n[^]*venv: .* now has jupyterlab 9\.9\.9/, [['jupyterlab']]],
    [['lab', 'notebook', 'nbclient'], /installing notebook, nbclient into /, [['jupyterlab'], ['notebook', 'nbclient']]],
    [['lab', 'notebook', 'nbclient'], /already has jupyterlab 9\.9\.9, notebook 9\.9\.9, nbclient 9\.9\.9/, [['jupyterlab'], ['notebook', 'nbclient']]],
  ];
  for (const [args, message, pip] of steps) {
    const r = run(VENV_JS, args, box.env);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, message);
    assert.deepEqual(pipCalls(), pip, args.join(' '));
  }
  const bad: Array<[string[], number, RegExp]> = [
    [[], 2, /usage: node scripts\/venv\.js PACKAGE/],
    [['lab', 'tensorflow'], 1, /venv: unknown package 'tensorflow'; choose from lab, jupyterlab, notebook, nbclient, nbconvert/],
  ];
  for (const [args, status, message] of bad) {
    const r = run(VENV_JS, args, box.env);
    assert.equal(r.status, status, r.out);
    assert.match(r.out, message);
  }
  fs.rmSync(box.root, { recursive: true, force: true });
});


test('trainlab lab starts the real JupyterLab from the project venv, which sees the kernel it registered and saves with trainlab\'s save hook', { timeout: 60_000 }, async () => {
  const jupyter = path.join(ROOT, '.venv', 'bin', 'jupyter');
  assert.equal(spawnSync(jupyter, ['lab', '--version']).status, 0, `no JupyterLab in ${path.dirname(path.dirname(jupyter))}: run 'node scripts/venv.js lab notebook' first (.ci/run does)`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-cli-lab-'));
  const port = await freePort();
  const token = 'trainlab-test';
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home };
  const child = spawn(process.execPath, [CLI, 'lab', home, '--', '--no-browser', '--ip', '127.0.0.1', '--port', String(port), `--ServerApp.token=${token}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 40_000;
    let status: { started?: string } | undefined;
    while (status === undefined) {
      if (child.exitCode !== null) assert.fail(`trainlab lab exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) assert.fail(`JupyterLab did not answer at ${base} within 40 s:\n${output}`);
      try {
        const response = await fetch(`${base}/api/status?token=${token}`);
        if (response.ok) status = (await response.json()) as { started?: string };
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    assert.ok(typeof status.started === 'string', JSON.stringify(status));
    const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as { kernelspecs: Record<string, { spec: { argv: string[]; display_name: string } }> };
    assert.equal(specs.kernelspecs.trainlab?.spec.display_name, 'TypeScript (trainlab)', JSON.stringify(Object.keys(specs.kernelspecs)));
    assert.deepEqual(specs.kernelspecs.trainlab.spec.argv, resolvedSpec().argv);
    assert.equal((await fetch(`${base}/lab?token=${token}`)).status, 200);
    assert.match(output, new RegExp(`trainlab lab: ${jupyter} lab --notebook-dir=${home}`));
    // trainlab's server extension is on: a save keeps one plotly.js copy (two holder cells pasted together here).
    assert.match(output, /trainlab: saved notebooks keep one plotly\.js copy/);
    const holder = '<div class="trainlab-plotly trainlab-plotly-library" style="display:none"></div><script>if(!window.Plotly){/* plotly.js */\n}</script>';
    const cell = { cell_type: 'code', source: 'show(fig)', metadata: {}, execution_count: 1, outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': holder, 'text/plain': '' } }] };
    const put = await fetch(`${base}/api/contents/two.ipynb?token=${token}`, { method: 'PUT', body: JSON.stringify({ type: 'notebook', content: { cells: [cell, cell], metadata: {}, nbformat: 4, nbformat_minor: 5 } }) });
    assert.equal(put.status, 201, await put.text());
    const saved = JSON.parse(fs.readFileSync(path.join(home, 'two.ipynb'), 'utf8')) as { cells: Array<{ outputs: Array<{ data: Record<string, string | string[]> }> }> };
    assert.deepEqual(saved.cells.map((c) => [c.outputs[0].data['text/html']].flat().join('')), [holder, '<div class="trainlab-plotly" style="display:none"></div>']);
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(home, { recursive: true, force: true });
  }
});
