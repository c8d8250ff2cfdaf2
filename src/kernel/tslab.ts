/**
 * The parts of tslab 1.0.22 the kernel uses, typed here: its converter (type checking,
 * completion, inspection, the cell-to-JavaScript rewrite), its cell metadata parser, its
 * public display module and its internal display writer slot. Loaded from the tslab
 * package trainlab depends on, never from a notebook's folder.
 */
import * as path from 'path';
import type * as TS from 'typescript';

export interface DiagnosticPos {
  offset: number;
  line: number;
  character: number;
}

export interface Diagnostic {
  start: DiagnosticPos;
  end: DiagnosticPos;
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

export interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  sideOutputs?: Array<{ path: string; data: string }>;
}

export interface QuickInfo {
  displayParts?: Array<{ text: string }>;
  documentation?: Array<{ text: string }>;
  tags?: Array<{ name: string; text?: Array<{ text: string }> }>;
}

export interface Converter {
  convert(prevDecl: string, src: string): ConvertResult;
  inspect(prevDecl: string, src: string, position: number): QuickInfo | undefined;
  complete(prevDecl: string, src: string, position: number): { start: number; end: number; candidates: string[] };
  addModule(name: string, content: string, meta?: unknown): Diagnostic[];
  close(): void;
}

export interface CodeMetadata {
  module?: string;
  mode?: 'node' | 'browser';
  jsx?: boolean;
}

export interface TslabJupyterSlot {
  lastWriteDisplayData: ((message: unknown, update: boolean) => void) | null;
}

/** tslab's modules, loaded once. */
export interface Tslab {
  root: string;
  ts: typeof TS;
  createConverter(options: { isJS: boolean; isBrowser: boolean }): Converter;
  isCompleteCode(src: string): { completed: boolean; indent?: string };
  getCodeMetadata(src: string): CodeMetadata;
  printQuickInfo(info: QuickInfo): string;
  /** `require('tslab')` as cells see it. */
  publicModule: unknown;
  /** The writer slot tslab's public display API (and trainlab's display adapter) write through. */
  jupyter: TslabJupyterSlot;
  version: string;
}

export function loadTslab(): Tslab {
  const root = path.dirname(require.resolve('tslab/package.json'));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const converter = require(path.join(root, 'dist', 'converter.js'));
  const metadata = require(path.join(root, 'dist', 'metadata.js'));
  const inspect = require(path.join(root, 'dist', 'inspect.js'));
  const jupyter = require(path.join(root, 'dist', 'jupyter.js'));
  const publicModule = require(path.join(root, 'dist', 'public.js'));
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [root] }));
  const version = require(path.join(root, 'package.json')).version as string;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    root,
    ts,
    createConverter: converter.createConverter,
    isCompleteCode: converter.isCompleteCode,
    getCodeMetadata: metadata.getCodeMetadata,
    printQuickInfo: inspect.printQuickInfo,
    publicModule,
    jupyter,
    version,
  };
}
