#!/usr/bin/env node
'use strict';
// Makes `import ... from 'trainlab'` resolve inside this checkout (notebooks/, tests,
// bench) the way it does for users who installed the package: node_modules/trainlab
// links back to the repository. tslab type-checks with TypeScript's node10 resolution,
// which ignores package self-references, so the link is needed for notebooks.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const link = path.join(root, 'node_modules', 'trainlab');
if (!fs.existsSync(path.join(root, 'node_modules'))) process.exit(0);
try {
  const stat = fs.lstatSync(link);
  if (stat.isSymbolicLink() && fs.realpathSync(link) === fs.realpathSync(root)) process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // no link yet
}
fs.symlinkSync('..', link, 'junction');
