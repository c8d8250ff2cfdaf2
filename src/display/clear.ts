/**
 * `clearOutput()`: IPython's `clear_output` for TypeScript cells. The trainlab kernel
 * publishes a small API on `globalThis` under a registered symbol (shared by every copy of
 * trainlab a notebook loads); elsewhere there is no output to clear and this does nothing.
 */

import { z } from 'zod';
import { agree, checkOptions, type SchemaAgrees } from '../util/options';
import { DisplayError } from './tslab';

/** What a front end said about the cell it asked the kernel to run (Jupyter `execute_request`). */
export interface ExecuteRequestInfo {
  /** The front end's session (`header.session`): a reloaded or reopened page has a new one. */
  session: string;
  /** Id of the running cell (`metadata.cellId`, JupyterLab and Notebook 7), when sent. */
  cellId?: string;
  /** Ids of cells deleted since the last execution (`metadata.deletedCells`, JupyterLab and Notebook 7). */
  deletedCells: string[];
}

/** What the trainlab kernel offers to library code running in its cells. */
export interface KernelApi {
  /** Sends Jupyter's `clear_output` for the running cell. */
  clearOutput(wait: boolean): void;
  /** The request being run (or last run), for outputs that must know which page and cell they go to. */
  request?(): ExecuteRequestInfo | undefined;
}

export const KERNEL_API = Symbol.for('trainlab.kernel');

/** The running trainlab kernel's API, or undefined outside it. */
export function kernelApi(): KernelApi | undefined {
  return (globalThis as unknown as Record<symbol, KernelApi | undefined>)[KERNEL_API];
}

/** Options of {@link clearOutput}. */
const clearOutputSchema = z.strictObject({ wait: z.boolean().optional() });

export interface ClearOutputOptions {
  /** Clear only when the next output arrives (no flicker in loops). Defaults to `false`. */
  wait?: boolean;
}

/**
 * Clears the running cell's outputs, as IPython's `clear_output`. Only in the trainlab
 * kernel; in plain Node.js (no notebook) it does nothing.
 *
 * @example for (const epoch of epochs) { clearOutput({ wait: true }); console.log(`epoch ${epoch}`); }
 */
agree<SchemaAgrees<ClearOutputOptions, typeof clearOutputSchema>>();

export function clearOutput(options: ClearOutputOptions = {}): void {
  checkOptions('clearOutput', clearOutputSchema, options, (message, issues) => new DisplayError(message, issues));
  kernelApi()?.clearOutput(options.wait ?? false);
}
