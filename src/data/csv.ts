/**
 * CSV reading with a real parser (papaparse's RFC 4180 parser: quoted fields and headers,
 * doubled quotes, newlines inside quotes, CRLF) fed chunk by chunk, so a file is never read
 * whole. Ragged rows and an empty file are DataErrors naming the file and the line.
 */
import * as fs from 'node:fs';
import { DataError } from './errors';

interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): {
    data: string[][];
    errors: Array<{ code: string; message: string; row?: number }>;
    meta: { cursor: number };
  };
}
// papaparse ships no types; its low-level Parser is the one its own streaming reader uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Papa = require('papaparse') as { Parser: new (config: { delimiter: string; newline: string; quoteChar: string }) => PapaParser };

/**
 * Text of a file, read `chunkBytes` at a time (never the whole file). The file is opened and
 * closed around each chunk, so an iterator abandoned mid-file (tf.data never calls
 * `return()`) leaves no open file descriptor behind. A UTF-8 BOM is dropped.
 */
export function* readChunks(path: string, chunkBytes = 65536): Generator<string> {
  const chunk = Buffer.alloc(chunkBytes);
  const decoder = new TextDecoder('utf-8'); // drops a leading BOM
  let position = 0;
  for (;;) {
    const fd = fs.openSync(path, 'r');
    let read: number;
    try {
      read = fs.readSync(fd, chunk, 0, chunkBytes, position);
    } finally {
      fs.closeSync(fd);
    }
    if (read === 0) break;
    position += read;
    const text = decoder.decode(chunk.subarray(0, read), { stream: true });
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

/** Lines of a text file (CRLF or LF), read chunk by chunk. */
export function* readLines(path: string, chunkBytes = 65536): Generator<string> {
  let rest = '';
  for (const text of readChunks(path, chunkBytes)) {
    const lines = (rest + text).split(/\r?\n/);
    rest = lines.pop() ?? '';
    yield* lines;
  }
  if (rest.length > 0) yield rest;
}

/** One parsed record: its cells and the line of the file it starts on (1-based). */
export interface CsvRecord {
  cells: string[];
  line: number;
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Records of a CSV file, parsed incrementally: each chunk is parsed with the last,
 * possibly incomplete, record held back until the next chunk arrives. Blank lines are
 * skipped. An unterminated quote is a DataError naming the line.
 */
export function* csvRecords(path: string, options: { delimiter?: string; chunkBytes?: number; where: string }): Generator<CsvRecord> {
  const delimiter = options.delimiter ?? ',';
  let parser: PapaParser | undefined;
  let pending = '';
  let line = 1;
  const emit = function* (text: string, last: boolean): Generator<CsvRecord> {
    if (parser === undefined) {
      // The first line decides LF or CRLF: wait for it (or the end of the file).
      if (!last && !text.includes('\n')) {
        pending = text;
        return;
      }
      const newline = /\r\n/.test(text.slice(0, Math.max(text.indexOf('\n') + 1, 0))) ? '\r\n' : '\n';
      parser = new Papa.Parser({ delimiter, newline, quoteChar: '"' });
    }
    const result = parser.parse(text, 0, !last);
    const bad = result.errors.find((e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
    if (bad !== undefined) {
      throw new DataError(`${options.where}: ${path} has an unterminated quoted field starting near line ${line}. Close the quote ("...") or remove it.`, { path: 'path', received: path });
    }
    const consumed = last ? text : text.slice(0, result.meta.cursor);
    // Record start lines: advance over each record's text (quoted newlines included).
    let offset = 0;
    for (const cells of result.data) {
      const start = line;
      const next = findRecordEnd(consumed, offset);
      line += lineCount(consumed.slice(offset, next));
      offset = next;
      if (cells.length === 1 && cells[0].trim() === '') continue;
      yield { cells, line: start };
    }
    pending = last ? '' : text.slice(result.meta.cursor);
  };
  for (const chunk of readChunks(path, options.chunkBytes)) yield* emit(pending + chunk, false);
  yield* emit(pending, true);
}

/** Index just past the record that starts at `offset` (after its newline), found by scanning with quote state. */
function findRecordEnd(text: string, offset: number): number {
  let quoted = false;
  for (let i = offset; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) return i + 1;
  }
  return text.length;
}

/** Cells of one CSV line (for headers of files trainlab appends to). */
export function parseCsvLine(line: string, delimiter: string, where: string): string[] {
  const parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' });
  const result = parser.parse(line, 0, false);
  if (result.errors.length > 0) throw new DataError(`${where}: cannot read the CSV line ${JSON.stringify(line.slice(0, 60))}: ${result.errors[0].message}.`);
  return result.data[0] ?? [];
}
