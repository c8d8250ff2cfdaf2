/**
 * The display protocol (Deno's Jupyter convention): a value that has a method at
 * `Symbol.for('Jupyter.display')` returns its own MIME bundle. trainlab's types attach it
 * non-enumerably, so JSON, `Object.keys` and deep equality do not see it.
 */
import type { MimeBundle } from './types';

/** The key of the display method: `Symbol.for('Jupyter.display')`, shared with Deno's kernel. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display');

/** A value that shows itself in a notebook. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

/**
 * Gives `target` the display method `show` (called with `target` as `this`), hidden from
 * enumeration. Call it before freezing `target`. Returns `target`.
 */
export function attachDisplay<T extends object>(target: T, show: (this: T) => MimeBundle): T {
  Object.defineProperty(target, JUPYTER_DISPLAY, { value: show, enumerable: false, writable: true, configurable: true });
  return target;
}
