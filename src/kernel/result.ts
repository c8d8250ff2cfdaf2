/**
 * What a cell's last value looks like in `Out[n]`: the value's own MIME bundle (Deno's
 * `[Symbol.for("Jupyter.display")]()`, and trainlab's built-ins for tensors, models, frames,
 * runs, configs and figures), else Node's `util.inspect` text. Showing never fails the cell:
 * a display method that throws gives the plain text and a one-line warning.
 */
import * as util from 'util';
import type { MimeBundle } from '../display/types';

export interface ResultDisplay {
  bundle: MimeBundle;
  /** A one-line warning for the cell's stderr (a display method that failed). */
  warning?: string;
}

/** `util.inspect` text, or a line that says why the value could not be inspected. */
export function plainText(value: unknown): string {
  try {
    return util.inspect(value, { depth: 4, maxArrayLength: 50, maxStringLength: 2000, breakLength: 100 });
  } catch (error) {
    return `<a value that cannot be inspected: ${error instanceof Error ? error.message : String(error)}>`;
  }
}

export type BundleFunction = (value: unknown) => MimeBundle | undefined;

/** The result's bundle, using `richBundle` (trainlab's `displayBundle`) when it has one. */
export function resultDisplay(value: unknown, richBundle: BundleFunction | undefined): ResultDisplay {
  if (richBundle !== undefined) {
    try {
      const bundle = richBundle(value);
      if (bundle !== undefined) return { bundle: 'text/plain' in bundle ? bundle : { ...bundle, 'text/plain': plainText(value) } };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { bundle: { 'text/plain': plainText(value) }, warning: `trainlab kernel: could not display the value richly (${reason}); showing it as text.` };
    }
  }
  return { bundle: { 'text/plain': plainText(value) } };
}
