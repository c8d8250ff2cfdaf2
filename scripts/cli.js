#!/usr/bin/env node
'use strict';
// The `trainlab` command (package.json "bin"): open JupyterLab / Notebook 7 with the
// trainlab kernel, manage the kernel, run the tutorials, and check the setup.
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { ROOT, VENV_DIR, FRONT_ENDS, runs, onPath, findJupyter, serverEnv } = require('./jupyter');
const { SetupError, ensureJupyter } = require('./venv');

const USAGE = `usage: trainlab <command> [arguments]

  lab [dir] [-- jupyter-args]       open JupyterLab on dir (default: the current folder),
                                    registering the trainlab kernel first when needed;
                                    installs JupyterLab into ${path.relative(process.cwd(), VENV_DIR) || VENV_DIR} when none is found
  notebook [dir] [-- jupyter-args]  the same with Jupyter Notebook 7
  kernel install|uninstall          register / remove the "TypeScript (trainlab)" kernel for this user
  tutorials [name ...]              execute the tutorial notebooks headless into build/notebooks/
  doctor                            check what trainlab needs; say how to fix what is missing
  --help                            this text

Arguments after -- go to Jupyter, e.g.  trainlab lab notebooks -- --no-browser --port 8899
Environment: TRAINLAB_JUPYTER  the jupyter executable to use (no other is tried)
             TRAINLAB_VENV     where trainlab's Python venv lives (default: <trainlab>/.venv)
             TRAINLAB_PYTHON   the Python that runs notebooks headless (tutorials)`;

/** A command line trainlab does not understand: usage, exit code 2. */
class UsageError extends Error {}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function kernelModule() {
  return require('./kernel');
}

/** `[dir] [-- args...]` → { dir, extra }. */
function parseOpenArgs(command, args) {
  const dash = args.indexOf('--');
  const own = dash === -1 ? args : args.slice(0, dash);
  const extra = dash === -1 ? [] : args.slice(dash + 1);
  const option = own.find((a) => a.startsWith('-'));
  if (option !== undefined) {
    throw new UsageError(`trainlab ${command}: options for Jupyter go after --, e.g. trainlab ${command} ${own.filter((a) => a !== option).join(' ') || '.'} -- ${option}`);
  }
  if (own.length > 1) throw new UsageError(`trainlab ${command}: one folder at most, received ${own.join(' ')}`);
  const dir = path.resolve(own[0] ?? process.cwd());
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`trainlab ${command}: ${dir} is not a folder`);
  }
  return { dir, extra };
}

/** Why a Jupyter that exited with an error did so, from the end of its stderr. */
function explainExit(stderrTail, started) {
  const hints = [];
  if (/already in use|Address already in use/i.test(stderrTail)) {
    hints.push(
      'A port it needed is in use. Jupyter moves to the next free port by itself unless port retries are off ' +
        '(--ServerApp.port_retries=0); choose a free one with: -- --port N',
    );
  }
  if (/Permission denied/i.test(stderrTail)) hints.push('It was refused access to a file or port (Permission denied above).');
  if (/No module named|ModuleNotFoundError|ImportError/.test(stderrTail)) {
    hints.push(`A Python module is missing from that Jupyter; 'node scripts/venv.js lab notebook' repairs trainlab's venv.`);
  }
  if (hints.length === 0) hints.push(started ? 'Its last messages are above.' : 'It stopped before serving; its messages above say why.');
  return hints.join('\n');
}

/** `trainlab lab|notebook`: find or install the front end, register the kernel, run Jupyter. */
function open(frontEnd, args) {
  const { dir, extra } = parseOpenArgs(frontEnd, args);
  const jupyter = ensureJupyter({ frontEnd, install: true });
  const kernel = kernelModule();
  if (!kernel.kernelUpToDate({ jupyter })) kernel.install({ jupyter });
  const jupyterArgs = [frontEnd, `--notebook-dir=${dir}`, ...(isRoot() ? ['--allow-root'] : []), ...extra];
  console.log(`trainlab ${frontEnd}: ${jupyter} ${jupyterArgs.join(' ')}`);
  // stderr is passed through and its end kept, to say why a failed start failed.
  const child = spawn(jupyter, jupyterArgs, { stdio: ['inherit', 'inherit', 'pipe'], env: serverEnv() });
  let tail = '';
  let started = false;
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    tail = (tail + chunk).slice(-4000);
    if (/is running at:|http:\/\/\S+:\d+\//.test(tail)) started = true;
  });
  // The terminal sends Ctrl-C to Jupyter itself (it asks before shutting down); passing it
  // on again would make that a second Ctrl-C, which shuts down without asking.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`trainlab ${frontEnd}: could not run ${jupyter}: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      if (code === 0 || signal === 'SIGTERM' || signal === 'SIGINT' || signal === 'SIGHUP') return resolve(code ?? 0);
      const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
      console.error(`trainlab ${frontEnd}: '${jupyter} ${frontEnd}' ${how}${started ? '' : ' before it started serving'}.\n${explainExit(tail, started)}`);
      resolve(code ?? 1);
    });
  });
}

/** The jupyter `trainlab kernel` uses: any will do, since --user specs are shared by all. */
function anyJupyter() {
  const chosen = process.env.TRAINLAB_JUPYTER;
  if (chosen !== undefined && chosen !== '') {
    const full = path.resolve(chosen);
    if (!fs.existsSync(full)) throw new SetupError(`TRAINLAB_JUPYTER is set to ${chosen}, which does not exist. Point it at a 'jupyter' executable, or unset it.`);
    return full;
  }
  const own = path.join(VENV_DIR, 'bin', 'jupyter');
  return fs.existsSync(own) ? own : 'jupyter';
}

function kernelCommand(args) {
  const [what, ...rest] = args;
  if ((what !== 'install' && what !== 'uninstall') || rest.length > 0) {
    throw new UsageError(`trainlab kernel: expected 'install' or 'uninstall', received '${args.join(' ')}'`);
  }
  const kernel = kernelModule();
  kernel[what]({ jupyter: anyJupyter() });
  return 0;
}

// ---- doctor ----

/**
 * One finding: `state` is 'ok', 'missing' (trainlab lab cannot work: exit 1) or 'note'
 * (worth knowing, not needed for trainlab lab); `fix` is the command that repairs it.
 */
function finding(name, state, detail, fix) {
  return { name, state, detail, fix };
}

function nodeFinding() {
  const major = Number.parseInt(process.versions.node, 10);
  return major >= 20
    ? finding('Node.js', 'ok', `${process.version} at ${process.execPath}`)
    : finding('Node.js', 'missing', `${process.version}; trainlab needs 20 or newer`, 'install Node.js 20+ (https://nodejs.org or your package manager)');
}

function pythonFinding() {
  const python = onPath('python3');
  if (python === undefined) {
    return finding('Python', 'note', "no 'python3' on PATH: needed only to install JupyterLab into the venv", 'apt-get install python3 python3-venv (Debian/Ubuntu), or install Python 3 another way');
  }
  const version = runs(python, ['--version']) ?? 'version unknown';
  if (runs(python, ['-c', 'import venv, ensurepip']) === undefined) {
    return finding('Python', 'note', `${version} at ${python}, without the venv module: it cannot create .venv/`, 'apt-get install python3-venv');
  }
  return finding('Python', 'ok', `${version} at ${python} (can create venvs)`);
}

function frontEndFinding(frontEnd, required) {
  const { title } = FRONT_ENDS[frontEnd];
  const found = findJupyter(frontEnd);
  if (found.jupyter !== undefined) {
    const from = found.source === 'project venv' ? 'from the project venv' : found.source === 'PATH' ? 'on PATH, not from the project venv' : 'from TRAINLAB_JUPYTER';
    return finding(title, 'ok', `${found.version} at ${found.jupyter} (${from})`);
  }
  const state = required ? 'missing' : 'note';
  if (found.problem !== undefined) return finding(title, state, found.problem, 'unset TRAINLAB_JUPYTER or point it at a working jupyter');
  const seen = found.skipped.length > 0 ? ` (seen: ${found.skipped.join('; ')})` : '';
  return finding(title, state, `not found${seen}`, `node scripts/venv.js ${frontEnd}   (trainlab ${frontEnd} does this itself)`);
}

function kernelFinding() {
  const { resolvedSpec } = require('./kernelspec');
  let jupyter;
  try {
    jupyter = anyJupyter();
  } catch (error) {
    return finding('kernel', 'note', `cannot tell: ${error.message}`, 'trainlab kernel install');
  }
  if (jupyter === 'jupyter' && onPath('jupyter') === undefined) {
    return finding('kernel', 'note', 'cannot tell: no jupyter to ask', 'trainlab kernel install   (trainlab lab does this itself)');
  }
  const installed = kernelModule().installedSpec({ jupyter });
  if (installed === undefined) return finding('kernel', 'note', '"TypeScript (trainlab)" is not registered', 'trainlab kernel install   (trainlab lab does this itself)');
  let expected;
  try {
    expected = resolvedSpec().argv;
  } catch {
    expected = undefined;
  }
  const here = expected !== undefined && JSON.stringify(installed.spec.argv) === JSON.stringify(expected);
  if (here) return finding('kernel', 'ok', `registered at ${installed.dir}, runs this checkout's kernel with this node`);
  const runsWhat = (installed.spec.argv ?? []).slice(0, 2).join(' ');
  return finding('kernel', 'note', `registered at ${installed.dir} but points elsewhere (runs ${runsWhat})`, 'trainlab kernel install   (trainlab lab does this itself)');
}

function tslabFinding() {
  const manifest = path.join(ROOT, 'node_modules', 'tslab', 'package.json');
  return fs.existsSync(manifest)
    ? finding('tslab', 'ok', path.dirname(manifest))
    : finding('tslab', 'missing', `${path.dirname(manifest)} is missing: the kernel runs the project's own tslab`, `npm install   (in ${ROOT})`);
}

// Runs in a child node: a backend that fails to load must not take the doctor down with it.
const BACKEND_PROBE = `
const path = require('path');
const root = process.argv[1];
const { NATIVE_PACKAGES } = require(path.join(root, 'dist', 'backend', 'backend.js'));
const report = {};
for (const pkg of [...NATIVE_PACKAGES, '@tensorflow/tfjs-backend-wasm']) {
  let manifest;
  try { manifest = require.resolve(pkg + '/package.json', { paths: [process.cwd(), root] }); }
  catch { report[pkg] = 'not installed'; continue; }
  const name = require(manifest).name;
  if (name !== pkg) { report[pkg] = 'not installed (an npm alias of ' + name + ')'; continue; }
  try { require(path.dirname(manifest)); report[pkg] = 'loadable'; }
  catch (e) { report[pkg] = 'installed but fails to load: ' + String(e.message).split('\\n')[0]; }
}
process.stdout.write('\\n' + JSON.stringify(report) + '\\n');
`;

function builtFinding() {
  const index = path.join(ROOT, 'dist', 'index.js');
  const fix = `npm run build   (in ${ROOT})`;
  if (!fs.existsSync(index)) return finding('build', 'missing', `${index} is missing: notebooks import trainlab from dist/`, fix);
  try {
    // The kernel spec names what the kernel runs; it throws, saying what is missing, when that is not built.
    const { argv } = require('./kernelspec').resolvedSpec();
    return finding('build', 'ok', `${index}; the kernel runs ${argv.slice(1).filter((a) => path.isAbsolute(a)).join(' ')}`);
  } catch (error) {
    return finding('build', 'missing', error.message, fix);
  }
}

function backendFinding() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'backend', 'backend.js'))) {
    return finding('backend', 'note', 'cannot tell before dist/ is built', 'npm run build');
  }
  const env = { ...process.env };
  delete env.TRAINLAB_BACKEND;
  const r = spawnSync(process.execPath, ['-e', BACKEND_PROBE, ROOT], { encoding: 'utf8', env, timeout: 60_000 });
  let report;
  try {
    report = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return finding('backend', 'note', `the probe failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  }
  // Same order as useBackend(): native tensorflow, then wasm, then cpu (always there).
  const native = Object.keys(report).find((pkg) => pkg !== '@tensorflow/tfjs-backend-wasm' && report[pkg] === 'loadable');
  const pick = native !== undefined ? 'tensorflow' : report['@tensorflow/tfjs-backend-wasm'] === 'loadable' ? 'wasm' : 'cpu';
  const packages = Object.entries(report).map(([pkg, state]) => `${pkg}: ${state}`).join('; ');
  const set = process.env.TRAINLAB_BACKEND ? `; TRAINLAB_BACKEND=${process.env.TRAINLAB_BACKEND} overrides it here` : '';
  return finding('backend', 'ok', `useBackend() would pick ${pick} (${packages})${set}`);
}

function doctor(args) {
  if (args.length > 0) throw new UsageError(`trainlab doctor: takes no arguments, received '${args.join(' ')}'`);
  const findings = [
    nodeFinding(),
    pythonFinding(),
    frontEndFinding('lab', true),
    frontEndFinding('notebook', false),
    kernelFinding(),
    tslabFinding(),
    builtFinding(),
    backendFinding(),
  ];
  console.log(`trainlab doctor (${ROOT})`);
  const width = Math.max(...findings.map((f) => f.name.length));
  for (const f of findings) {
    console.log(`  ${f.state.padEnd(7)} ${f.name.padEnd(width)}  ${f.detail}`);
    if (f.fix !== undefined) console.log(`  ${''.padEnd(7)} ${''.padEnd(width)}  fix: ${f.fix}`);
  }
  const missing = findings.filter((f) => f.state === 'missing');
  if (missing.length === 0) {
    console.log('Everything `trainlab lab` needs is there.');
    return 0;
  }
  console.log(`Missing for \`trainlab lab\`: ${missing.map((f) => f.name).join(', ')} (the fixes are above).`);
  return 1;
}

async function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return 0;
    case 'lab':
    case 'notebook':
      return open(command, args);
    case 'kernel':
      return kernelCommand(args);
    case 'tutorials':
      await require('./tutorials').main(args);
      return 0;
    case 'doctor':
      return doctor(args);
    case undefined:
      throw new UsageError('trainlab: no command given');
    default:
      throw new UsageError(`trainlab: unknown command '${command}'`);
  }
}

module.exports = { main, USAGE };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n\n${USAGE}`);
        process.exit(2);
      }
      if (error instanceof SetupError) {
        console.error(`trainlab ${process.argv[2]}: ${error.message}`);
        process.exit(1);
      }
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
