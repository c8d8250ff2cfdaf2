'use strict';
// Builds .ipynb JSON for trainlab's kernel from a list of [kind, source] pairs, so that
// notebooks authored as code (test fixtures, tutorials) all carry the same metadata.
const crypto = require('crypto');

function cell(kind, source, index) {
  const id = crypto.createHash('sha1').update(`${index}:${source}`).digest('hex').slice(0, 8);
  const lines = source.split('\n').map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));
  if (kind === 'md') return { cell_type: 'markdown', id, metadata: {}, source: lines };
  return { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source: lines };
}

function notebook(cells) {
  return {
    cells: cells.map(([kind, source], i) => cell(kind, source, i)),
    metadata: {
      kernelspec: { display_name: 'TypeScript (trainlab)', language: 'typescript', name: 'trainlab' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

module.exports = { notebook };
