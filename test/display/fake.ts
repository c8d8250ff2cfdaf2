/** A Display that records every output and update, for chart and display tests. */
import type { Display, DisplayHandle, MimeBundle } from '../../src/display/types';

export interface RecordedOutput {
  id: number;
  /** Every bundle this output held, first the shown one, then each update. */
  history: MimeBundle[];
  /** Cell execution during which it was shown. */
  execution: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isLibraryHolder } = require('../../scripts/publish') as { isLibraryHolder(output: { output_type: string; data: MimeBundle }): boolean };

/** The hidden output that holds plotly.js for the page's charts (src/charts/output.ts), by publish.js's one rule. */
export function isLibraryOutput(output: RecordedOutput): boolean {
  return isLibraryHolder({ output_type: 'display_data', data: output.history[0] });
}

export class FakeDisplay implements Display {
  /** Every output in order, the hidden plotly.js holders included. */
  readonly all: RecordedOutput[] = [];
  /** Every message in order: show or update, with the output id. */
  readonly log: Array<{ kind: 'show' | 'update'; id: number; bundle: MimeBundle }> = [];
  execution = 1;

  constructor(readonly inNotebook = true) {}

  executionId(): number {
    return this.execution;
  }

  /** The outputs a reader sees: every output but the hidden plotly.js holders. */
  get outputs(): RecordedOutput[] {
    return this.all.filter((o) => !isLibraryOutput(o));
  }

  show(bundle: MimeBundle): DisplayHandle {
    const out: RecordedOutput = { id: this.all.length, history: [bundle], execution: this.execution };
    this.all.push(out);
    this.log.push({ kind: 'show', id: out.id, bundle });
    return {
      update: (next: MimeBundle) => {
        out.history.push(next);
        this.log.push({ kind: 'update', id: out.id, bundle: next });
      },
    };
  }

  /** The current content of every output, the hidden ones included (what a save writes). */
  current(): MimeBundle[] {
    return this.all.map((o) => o.history[o.history.length - 1]);
  }

  /** Updates of the outputs a reader sees. */
  updates(): number {
    const hidden = new Set(this.all.filter(isLibraryOutput).map((o) => o.id));
    return this.log.filter((m) => m.kind === 'update' && !hidden.has(m.id)).length;
  }
}
