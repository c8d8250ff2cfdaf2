import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { pythonWith } from '../helpers/kernel';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateJupyterPath } = require('../../scripts/kernelspec') as { privateJupyterPath(): string };

// jupyter_kernel_test's one test that does not apply to a TypeScript kernel: IPython's `?` pager.
const NOT_APPLICABLE = ['test_pager'];

test("Jupyter's kernel conformance suite (jupyter_kernel_test) passes every applicable test", () => {
  const r = spawnSync(pythonWith('jupyter_kernel_test'), [path.join(__dirname, 'conformance.py'), '-v'], {
    encoding: 'utf8',
    env: { ...process.env, JUPYTER_PATH: privateJupyterPath(), PYTHONWARNINGS: 'ignore' },
    timeout: 300_000,
  });
  const out = r.stderr;
  assert.equal(r.status, 0, out);
  const results = [...out.matchAll(/^(test_\w+) \(.*\) \.\.\. (ok|skipped.*|FAIL|ERROR)$/gm)].map((m) => [m[1], m[2].split(' ')[0]]);
  const skipped = results.filter(([, s]) => s === 'skipped').map(([name]) => name).sort();
  assert.deepEqual(skipped, [...NOT_APPLICABLE].sort(), out);
  const passed = results.filter(([, s]) => s === 'ok').map(([name]) => name);
  for (const name of ['test_kernel_info', 'test_execute_result', 'test_error', 'test_completion', 'test_inspect', 'test_is_complete', 'test_history', 'test_display_data', 'test_execute_stdout', 'test_execute_stderr', 'test_clear_output']) {
    assert.ok(passed.includes(name), `${name} did not pass:\n${out}`);
  }
});
