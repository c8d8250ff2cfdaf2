/**
 * The one seam between trainlab and a notebook front end. Charts, tables and progress
 * bars talk to this interface; the tslab adapter implements it in a kernel, tests fake it.
 */

import type { ExecuteRequestInfo } from './clear';

/** A Jupyter MIME bundle: MIME type → data (string, or JSON for `application/*+json`). */
export type MimeBundle = Record<string, unknown>;

/** An output already on the page that can be replaced in place. */
export interface DisplayHandle {
  /** Replaces this output's content (Jupyter `update_display_data`). */
  update(bundle: MimeBundle): void;
}

export interface Display {
  /** True inside a Jupyter kernel (tslab); false in plain node. */
  readonly inNotebook: boolean;
  /** Sends a new output carrying every MIME type of `bundle` at once. */
  show(bundle: MimeBundle): DisplayHandle;
  /**
   * A value that changes whenever a new cell starts executing (equal values = same cell run).
   * Optional: displays that cannot tell leave it out.
   */
  executionId?(): number;
  /**
   * The front end's session and cell of the running request (the trainlab kernel tells).
   * Optional: displays that cannot tell leave it out.
   */
  request?(): ExecuteRequestInfo | undefined;
}
