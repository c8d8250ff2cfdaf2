/** The display used outside a notebook (plain node, tsx, tests without a fake). */
import type { Display, DisplayHandle, MimeBundle } from './types';

/** Where plain-node outputs are written. */
export interface TextSink {
  write(text: string): unknown;
}

function plainText(bundle: MimeBundle): string {
  const text = bundle['text/plain'];
  return typeof text === 'string' ? text : '';
}

/**
 * Prints each bundle's `text/plain` part. An update prints again only when its text
 * changed, so a live output does not flood a terminal.
 */
export class TextDisplay implements Display {
  readonly inNotebook = false;

  constructor(private readonly sink: TextSink = process.stdout) {}

  show(bundle: MimeBundle): DisplayHandle {
    let last = plainText(bundle);
    if (last !== '') this.sink.write(last.endsWith('\n') ? last : `${last}\n`);
    return {
      update: (next: MimeBundle) => {
        const text = plainText(next);
        if (text === '' || text === last) return;
        last = text;
        this.sink.write(text.endsWith('\n') ? text : `${text}\n`);
      },
    };
  }
}
