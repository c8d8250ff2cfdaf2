import { interruptHub } from '../../src/util/interrupt';

/**
 * Runs `body` as if inside the trainlab kernel (the stop button is live), with console.log
 * captured into the lines it receives; both are put back however `body` ends.
 */
export async function asKernel<T>(body: (lines: string[]) => Promise<T>): Promise<T> {
  const hub = interruptHub();
  const wasKernel = hub.kernel;
  const original = console.log;
  const lines: string[] = [];
  hub.kernel = true;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    return await body(lines);
  } finally {
    console.log = original;
    hub.kernel = wasKernel;
  }
}
