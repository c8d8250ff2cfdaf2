#!/usr/bin/env node
'use strict';
// npm run gallery [-- OUT.html] — writes a page with every chart builder drawn from typical
// and awkward inputs (default build/gallery/index.html), plotly.js inlined once, no network.
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function main(argv) {
  let gallery;
  try {
    gallery = require(path.join(ROOT, 'dist', 'charts', 'gallery.js'));
  } catch (error) {
    process.stderr.write(`gallery: dist/charts/gallery.js could not be loaded (${error.message.split('\n')[0]}). Run npm run build first.\n`);
    return 1;
  }
  const out = path.resolve(argv[0] ?? path.join(ROOT, 'build', 'gallery', 'index.html'));
  const cases = gallery.galleryCases();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, gallery.galleryPage(cases));
  const builders = [...new Set(cases.map((c) => c.builder))];
  process.stdout.write(`gallery: ${cases.length} charts of ${builders.length} builders (${builders.join(', ')}) written to ${out}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
