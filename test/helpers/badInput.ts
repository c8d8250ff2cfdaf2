/**
 * The bad-input discipline (issue 11): every case must throw the named trainlab error
 * class with an issue on the named field, leak no tensor, and leave every file in the
 * case's folder exactly as it was (contents and modification times).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TrainlabError } from '../../src/util/errors';

export interface BadInput {
  /** What the case does, for the test name. */
  name: string;
  /** Runs the call in `dir`, a temp folder holding unrelated files (`notes.txt`, `data/keep.csv`, `sub/`). */
  run: (dir: string) => unknown;
  /** Expected error class. */
  error: new (...args: never[]) => Error;
  /** A field the error's issues must name (issue.path equals it or ends with `.field`). */
  field: string;
  /** Prepares the folder before the snapshot (files the call must then leave alone). */
  setup?: (dir: string) => void;
  /** A fragment the message must contain. */
  message?: RegExp;
}

/** Path → sha256 and mtime of every file and folder under `dir`. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      const rel = path.relative(dir, full);
      const stat = fs.statSync(full);
      if (entry.isDirectory()) {
        out[rel + '/'] = `dir ${stat.mtimeMs}`;
        walk(full);
      } else {
        out[rel] = `${crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex')} ${stat.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** A temp folder with files nobody asked trainlab to touch. */
export function folderOfUnrelatedFiles(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-bad-'));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'my notes\n');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'keep.csv'), 'a,b\n1,2\n');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'analysis.ipynb'), '{"cells": []}\n');
  return dir;
}

/** One node:test per case; returns the number of cases. */
export function badInputSuite(title: string, cases: readonly BadInput[]): number {
  for (const c of cases) {
    test(`${title}: ${c.name}`, async () => {
      await tf.setBackend('cpu');
      const dir = folderOfUnrelatedFiles();
      c.setup?.(dir);
      const cwd = process.cwd();
      const before = snapshot(dir);
      const tensors = tf.memory().numTensors;
      let thrown: unknown;
      try {
        process.chdir(dir);
        await c.run(dir);
      } catch (error) {
        thrown = error;
      } finally {
        process.chdir(cwd);
      }
      assert.ok(thrown !== undefined, `${c.name}: expected ${c.error.name}, nothing was thrown`);
      assert.ok(thrown instanceof c.error, `${c.name}: expected ${c.error.name}, got ${(thrown as Error)?.name}: ${(thrown as Error)?.message}`);
      assert.ok(thrown instanceof TrainlabError, `${c.name}: ${c.error.name} is not a TrainlabError`);
      const paths = thrown.issues.map((i) => i.path);
      assert.ok(
        paths.some((p) => p === c.field || p.endsWith(`.${c.field}`) || p.endsWith(`]${c.field}`)),
        `${c.name}: no issue names '${c.field}' (issues name ${JSON.stringify(paths)}; message: ${thrown.message})`,
      );
      assert.doesNotMatch(thrown.message, /dataId|kept:|isDisposedInternal|\[object Object\]/, 'a tensor is shown by its internals');
      if (c.message !== undefined) assert.match(thrown.message, c.message);
      assert.equal(tf.memory().numTensors, tensors, `${c.name}: tensors leaked`);
      assert.deepEqual(snapshot(dir), before, `${c.name}: files on disk changed`);
    });
  }
  return cases.length;
}
