#!/usr/bin/env node
'use strict';
// npm test — every test/**/*.test.ts in one node:test run (unit tests, notebook tests,
// browser tests). Pass paths or name fragments to run a subset: npm test -- charts
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const filters = process.argv.slice(2);
const files = testFiles(path.join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((want) => f.includes(want)))
  .sort();
if (files.length === 0) {
  console.error(`npm test: no test file matches ${filters.join(', ')}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files.map((f) => path.relative(root, f))], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
