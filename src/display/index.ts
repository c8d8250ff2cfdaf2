/**
 * `getDisplay()`: the notebook display in a tslab kernel, a text display in plain node;
 * `setDisplay(d)` swaps in another (a fake in tests, a custom front end).
 */
import { TextDisplay } from './node';
import { detectTslab, TslabDisplay } from './tslab';
import type { Display } from './types';

export type { Display, DisplayHandle, MimeBundle } from './types';
export { TextDisplay } from './node';
export type { TextSink } from './node';
export { TslabDisplay, DisplayError, detectTslab } from './tslab';
export { clearOutput, kernelApi, KERNEL_API } from './clear';
export type { ClearOutputOptions, KernelApi, ExecuteRequestInfo } from './clear';
export type { TslabEnvironment, TslabModules, TslabJupyterModule, TslabPublicModule, TslabDisplayMessage } from './tslab';

let injected: Display | undefined;
let detected: Display | undefined;

/** The display trainlab's charts, tables and progress output use. */
export function getDisplay(): Display {
  if (injected !== undefined) return injected;
  if (detected === undefined) {
    const tslab = detectTslab();
    detected = tslab !== undefined ? new TslabDisplay(tslab) : new TextDisplay();
  }
  return detected;
}

/**
 * Replaces the display returned by {@link getDisplay} (e.g. a fake that records bundles
 * in tests). Pass `undefined` to go back to automatic detection.
 */
export function setDisplay(display: Display | undefined): void {
  injected = display;
}
