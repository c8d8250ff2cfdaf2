/** A Display that records every output and update, for chart and display tests. */
import type { Display, DisplayHandle, MimeBundle } from '../../src/display/types';

export interface RecordedOutput {
  id: number;
  /** Every bundle this output held, first the shown one, then each update. */
  history: MimeBundle[];
  /** Cell execution during which it was shown. */
  execution: number;
}

export class FakeDisplay implements Display {
  readonly outputs: RecordedOutput[] = [];
  /** Every message in order: show or update, with the output id. */
  readonly log: Array<{ kind: 'show' | 'update'; id: number; bundle: MimeBundle }> = [];
  execution = 1;

  constructor(readonly inNotebook = true) {}

  executionId(): number {
    return this.execution;
  }

  show(bundle: MimeBundle): DisplayHandle {
    const out: RecordedOutput = { id: this.outputs.length, history: [bundle], execution: this.execution };
    this.outputs.push(out);
    this.log.push({ kind: 'show', id: out.id, bundle });
    return {
      update: (next: MimeBundle) => {
        out.history.push(next);
        this.log.push({ kind: 'update', id: out.id, bundle: next });
      },
    };
  }

  /** The current content of each output. */
  current(): MimeBundle[] {
    return this.outputs.map((o) => o.history[o.history.length - 1]);
  }

  updates(): number {
    return this.log.filter((m) => m.kind === 'update').length;
  }
}
