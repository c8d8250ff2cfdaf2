import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellLineOf, endsWithSemicolon, lineAndColumn, originalOffset, prepareSource } from '../../src/kernel/source';
import { decode, encode, sign } from '../../src/kernel/wire';
import { contextLines, errorName, parseStack } from '../../src/kernel/traceback';
import { packageName } from '../../src/kernel/resolve';
import { loadTslab } from '../../src/kernel/tslab';

const ts = loadTslab().ts;
const strip = (code: string) => code.replace(/\/\*tl:\d+\*\//g, '');

test('prepareSource expands shorthand of earlier names only, and changes nothing else', () => {
  const cases: Array<[string, string[], string]> = [
    ['({ x, y })', ['x', 'y'], '({ x: x, y: y })'],
    ['({ x, z })', ['x'], '({ x: x, z })'],
    ['const { x } = o;', ['x'], 'const { x } = o;'], // a binding pattern is not a shorthand property
    ['({ x } = o);', ['x'], '({ x: x } = o);'], // destructuring assignment: same meaning
    ['const s = `a ${x}\nb`;', ['x'], 'const s = `a ${x}\nb`;'],
    ["const t = '{ x }';", ['x'], "const t = '{ x }';"],
  ];
  for (const [src, earlier, expected] of cases) {
    assert.equal(strip(prepareSource(ts, src, new Set(earlier)).code), expected, src);
  }
});

test('prepareSource marks each line that ends outside a string or template, and maps offsets back', () => {
  const src = 'const a = 1;\nconst s = `x\ny`;\nf({ a })';
  const p = prepareSource(ts, src, new Set(['a']));
  assert.equal(p.code, 'const a = 1;/*tl:1*/\nconst s = `x\ny`;/*tl:3*/\nf({ a: a })/*tl:4*/');
  const inPrepared = p.code.indexOf('f(');
  assert.equal(originalOffset(p, inPrepared), src.indexOf('f('));
  assert.equal(originalOffset(p, p.code.indexOf('a: a') + 'a: a'.length), src.indexOf('a })') + 1);
  assert.deepEqual(lineAndColumn(src, src.indexOf('f(')), { line: 3, column: 0 });
});

test('cellLineOf reads the markers of emitted lines', () => {
  const emitted = ['exports.x = void 0;', 'const x = 1; /*tl:2*/', 'exports.x = x;', 'f(x,', '  y); /*tl:6*/'].join('\n');
  const cases: Array<[number, number | undefined]> = [
    [2, 2],
    [3, 4], // unmarked: the next marked line's number less the gap
    [4, 5],
    [5, 6],
    [9, undefined],
  ];
  for (const [line, expected] of cases) assert.equal(cellLineOf(emitted, line), expected, `line ${line}`);
});

test('endsWithSemicolon: IPython’s rule for hiding a value', () => {
  const cases: Array<[string, boolean]> = [
    ['6*7', false],
    ['6*7;', true],
    ['6*7; // note', true],
    ['const a = 1;', false],
    ['f();\ng()', false],
    ['', false],
  ];
  for (const [src, expected] of cases) assert.equal(endsWithSemicolon(ts, src), expected, JSON.stringify(src));
});

test('wire: encode and decode round-trip with a signature; a wrong key is refused', () => {
  const parent = decode('k', encode('k', 'execute_request', { code: '1' }, undefined, [Buffer.from('id')]).map((f) => Buffer.from(f)));
  assert.equal(parent.header.msg_type, 'execute_request');
  assert.deepEqual(parent.identities.map(String), ['id']);
  const reply = decode('k', encode('k', 'execute_reply', { status: 'ok' }, parent, parent.identities).map((f) => Buffer.from(f)));
  assert.equal(reply.parent_header.msg_id, parent.header.msg_id);
  assert.equal(reply.header.session, parent.header.session);
  assert.deepEqual(reply.content, { status: 'ok' });
  assert.throws(() => decode('other', encode('k', 'x', {}, undefined).map((f) => Buffer.from(f))), /signature does not match/);
  assert.throws(() => decode('k', [Buffer.from('no delimiter')]), /delimiter/);
  assert.equal(sign('', ['a']), '');
});

test('traceback helpers: frames, class names, IPython-style context', () => {
  assert.deepEqual(parseStack('Error: x\n    at f (__trainlab_cell_3__.js:4:9)\n    at __trainlab_cell_3__.js:7:1\n    at node:vm:1:2'), [
    { fn: 'f', file: '__trainlab_cell_3__.js', line: 4, column: 9 },
    { fn: undefined, file: '__trainlab_cell_3__.js', line: 7, column: 1 },
    { fn: undefined, file: 'node:vm', line: 1, column: 2 },
  ]);
  class ConfigError extends Error {}
  const named = new Error('n');
  named.name = 'TrainingError';
  const cases: Array<[unknown, string]> = [
    [new TypeError('t'), 'TypeError'],
    [new ConfigError('c'), 'ConfigError'],
    [named, 'TrainingError'],
    ['text', 'Uncaught'],
  ];
  for (const [error, expected] of cases) assert.equal(errorName(error), expected);
  const lines = contextLines('a\nb\nc\nd', 2, 1).map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''));
  assert.deepEqual(lines, ['      1 a', '----> 2 b', '      3 c']);
});

test('packageName: the package a module id belongs to', () => {
  const cases: Array<[string, string | undefined]> = [
    ['trainlab', 'trainlab'],
    ['@tensorflow/tfjs', '@tensorflow/tfjs'],
    ['@tensorflow/tfjs-core/dist/index', '@tensorflow/tfjs-core'],
    ['danfojs-node/dist', 'danfojs-node'],
    ['./local', undefined],
    ['/abs/path', undefined],
    ['node:fs', undefined],
  ];
  for (const [id, expected] of cases) assert.equal(packageName(id), expected, id);
});
