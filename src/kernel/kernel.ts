/**
 * trainlab's Jupyter kernel: its own message handling (execute with `execute_input`,
 * `execute_result` and `error` on iopub, history, comm_info, interrupt, shutdown) around
 * tslab's TypeScript converter. Sockets are injected so the protocol is testable.
 */
import { KERNEL_API, type KernelApi } from '../display/clear';
import { interruptHub, requestStop } from '../util/interrupt';
import { PROTOCOL_VERSION, type Message } from './wire';
import type { Executor } from './executor';
import { formatDiagnostics, formatError, interruptContent, type ErrorContent } from './traceback';
import { resultDisplay, type BundleFunction } from './result';
import type { Tslab } from './tslab';

/** Sends a message on a socket: `reply` on the request's own socket, `publish` on iopub. */
export interface Channels {
  reply(socket: 'shell' | 'control', msgType: string, content: Record<string, unknown>, parent: Message): void;
  publish(msgType: string, content: Record<string, unknown>, parent: Message | undefined): void;
}

export interface KernelOptions {
  executor: Executor;
  tslab: Tslab;
  channels: Channels;
  /** trainlab's `displayBundle`, when it loads. */
  richBundle: BundleFunction | undefined;
  version: string;
  /** Called after the shutdown reply went out. */
  onShutdown(restart: boolean): void;
}

interface QueuedExecute {
  msg: Message;
  socket: 'shell';
}

type HistoryEntry = [number, number, string | [string, string | null]];

const SESSION = 1;

export class Kernel {
  private executionCount = 0;
  private readonly queue: QueuedExecute[] = [];
  private running = false;
  private current: Message | undefined;
  private softStopUsed = false;
  private readonly history: Array<{ line: number; input: string; output: string | null }> = [];

  constructor(private readonly options: KernelOptions) {
    interruptHub().kernel = true;
    const api: KernelApi = {
      clearOutput: (wait) => {
        if (this.current !== undefined) options.channels.publish('clear_output', { wait }, this.current);
      },
      request: () => {
        const msg = this.current;
        if (msg === undefined) return undefined;
        const meta = (msg.metadata ?? {}) as { cellId?: unknown; deletedCells?: unknown };
        const deleted = Array.isArray(meta.deletedCells) ? meta.deletedCells.filter((id): id is string => typeof id === 'string') : [];
        return { session: String(msg.header.session ?? ''), ...(typeof meta.cellId === 'string' ? { cellId: meta.cellId } : {}), deletedCells: deleted };
      },
    };
    (globalThis as unknown as Record<symbol, KernelApi>)[KERNEL_API] = api;
  }

  /** The request a cell's output belongs to (the running cell, else the last one). */
  get outputParent(): Message | undefined {
    return this.current;
  }

  /** Writes a stream message for the cell whose output this is. */
  stream(name: 'stdout' | 'stderr', text: string): void {
    if (this.current === undefined) return;
    this.options.channels.publish('stream', { name, text }, this.current);
  }

  /** The stop button: first a soft stop of running training, then an interrupt of the cell. */
  interrupt(): void {
    if (!this.running) return;
    if (!this.softStopUsed && requestStop()) {
      this.softStopUsed = true;
      return;
    }
    this.options.executor.interrupt();
  }

  handle(socket: 'shell' | 'control', msg: Message): void {
    const type = msg.header.msg_type;
    if (type === 'execute_request') {
      this.queue.push({ msg, socket: 'shell' });
      void this.drain();
      return;
    }
    const { channels } = this.options;
    channels.publish('status', { execution_state: 'busy' }, msg);
    try {
      switch (type) {
        case 'kernel_info_request':
          channels.reply(socket, 'kernel_info_reply', this.kernelInfo(), msg);
          break;
        case 'complete_request':
          channels.reply(socket, 'complete_reply', this.complete(msg), msg);
          break;
        case 'inspect_request':
          channels.reply(socket, 'inspect_reply', this.inspect(msg), msg);
          break;
        case 'is_complete_request':
          channels.reply(socket, 'is_complete_reply', this.isComplete(msg), msg);
          break;
        case 'history_request':
          channels.reply(socket, 'history_reply', { status: 'ok', history: this.historyFor(msg.content) }, msg);
          break;
        case 'comm_info_request':
          channels.reply(socket, 'comm_info_reply', { status: 'ok', comms: {} }, msg);
          break;
        case 'comm_open':
          // No comm targets: close it at once, as IPython does for an unknown target.
          channels.publish('comm_close', { comm_id: msg.content.comm_id, data: {} }, msg);
          break;
        case 'comm_msg':
        case 'comm_close':
          break;
        case 'interrupt_request':
          this.interrupt();
          channels.reply(socket, 'interrupt_reply', { status: 'ok' }, msg);
          break;
        case 'shutdown_request': {
          const restart = msg.content.restart === true;
          channels.reply(socket, 'shutdown_reply', { status: 'ok', restart }, msg);
          this.options.onShutdown(restart);
          break;
        }
        default:
          process.stderr.write(`trainlab kernel: ignoring unknown message type '${type}'\n`);
      }
    } catch (error) {
      process.stderr.write(`trainlab kernel: ${type} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    } finally {
      channels.publish('status', { execution_state: 'idle' }, msg);
    }
  }

  kernelInfo(): Record<string, unknown> {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'trainlab',
      implementation_version: this.options.version,
      language_info: {
        name: 'typescript',
        version: this.options.tslab.ts.version,
        mimetype: 'text/typescript',
        file_extension: '.ts',
        // As tslab: makes both JupyterLab and the classic Notebook highlight TypeScript.
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
      },
      banner: `trainlab ${this.options.version}: TypeScript on TensorFlow.js (tslab ${this.options.tslab.version} inside)`,
      help_links: [{ text: 'trainlab', url: 'https://github.com/yunabe/tslab' }],
    };
  }

  private complete(msg: Message): Record<string, unknown> {
    const code = String(msg.content.code ?? '');
    const cursor = Number(msg.content.cursor_pos ?? code.length);
    const r = this.options.executor.complete(code, cursor);
    return { status: 'ok', matches: r.candidates, cursor_start: r.start, cursor_end: r.end, metadata: {} };
  }

  private inspect(msg: Message): Record<string, unknown> {
    const code = String(msg.content.code ?? '');
    const text = this.options.executor.inspect(code, Number(msg.content.cursor_pos ?? code.length));
    return text === undefined ? { status: 'ok', found: false, data: {}, metadata: {} } : { status: 'ok', found: true, data: { 'text/plain': text }, metadata: {} };
  }

  private isComplete(msg: Message): Record<string, unknown> {
    const r = this.options.executor.isComplete(String(msg.content.code ?? ''));
    return r.completed ? { status: 'complete' } : { status: 'incomplete', indent: r.indent ?? '' };
  }

  private historyFor(content: Record<string, unknown>): HistoryEntry[] {
    const output = content.output === true;
    const entry = (h: { line: number; input: string; output: string | null }): HistoryEntry => [SESSION, h.line, output ? [h.input, h.output] : h.input];
    const n = typeof content.n === 'number' ? content.n : 10;
    switch (content.hist_access_type) {
      case 'tail':
        return this.history.slice(-n).map(entry);
      case 'range': {
        const start = Number(content.start ?? 0);
        const stop = content.stop === undefined || content.stop === null ? Infinity : Number(content.stop);
        return this.history.filter((h) => h.line >= start && h.line < stop).map(entry);
      }
      case 'search': {
        const glob = String(content.pattern ?? '*');
        const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '.')}$`);
        let found = this.history.filter((h) => re.test(h.input));
        if (content.unique === true) {
          const seen = new Set<string>();
          found = found.reverse().filter((h) => !seen.has(h.input) && seen.add(h.input) !== undefined).reverse();
        }
        return found.slice(-n).map(entry);
      }
      default:
        return [];
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const aborted = await this.execute(next.msg);
        this.abort(aborted);
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Lets the socket loop take in the requests already sent (Run All sends every cell at
   * once): waits until none has arrived for a few milliseconds. Not a time window for
   * dropping requests: a person's next request always comes later than this.
   */
  private async settleIncoming(): Promise<void> {
    for (let waited = 0, seen = -1; waited < 100 && seen !== this.queue.length; waited += 10) {
      seen = this.queue.length;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** After a failed cell, the requests that were waiting are answered `aborted` (IPython's Run All). */
  private abort(requests: readonly QueuedExecute[]): void {
    const { channels } = this.options;
    for (const { msg } of requests) {
      channels.publish('status', { execution_state: 'busy' }, msg);
      channels.reply('shell', 'execute_reply', { status: 'aborted', execution_count: this.executionCount }, msg);
      channels.publish('status', { execution_state: 'idle' }, msg);
    }
  }

  /**
   * Runs one execute request. When it fails (and `stop_on_error`), takes the requests
   * already sent out of the queue before replying, so only those are aborted and
   * everything sent after the reply runs; returns them.
   */
  private async execute(msg: Message): Promise<QueuedExecute[]> {
    const { channels, executor } = this.options;
    const code = String(msg.content.code ?? '');
    const silent = msg.content.silent === true;
    const store = !silent && msg.content.store_history !== false;
    this.current = msg;
    this.softStopUsed = false;
    channels.publish('status', { execution_state: 'busy' }, msg);
    if (store) this.executionCount++;
    const count = this.executionCount;
    if (!silent) channels.publish('execute_input', { code, execution_count: count }, msg);
    const label = `In[${count}]`;
    this.options.tslab.jupyter.lastWriteDisplayData = (data: unknown, update: boolean) => {
      channels.publish(update ? 'update_display_data' : 'display_data', data as Record<string, unknown>, msg);
    };
    let failure: ErrorContent | undefined;
    let outputText: string | null = null;
    try {
      const outcome = await executor.execute(code, label);
      if (outcome.kind === 'ok' && outcome.hasValue && !silent) {
        const shown = resultDisplay(outcome.value, this.options.richBundle);
        if (shown.warning !== undefined) this.stream('stderr', shown.warning + '\n');
        channels.publish('execute_result', { execution_count: count, data: shown.bundle, metadata: {} }, msg);
        const text = shown.bundle['text/plain'];
        outputText = typeof text === 'string' ? text : null;
      } else if (outcome.kind === 'error') {
        failure = formatError(outcome.error, executor.cells);
      } else if (outcome.kind === 'diagnostics') {
        failure = formatDiagnostics(outcome.diagnostics, code, label);
      } else if (outcome.kind === 'interrupted') {
        failure = interruptContent();
      }
    } catch (error) {
      failure = formatError(error, executor.cells);
    }
    if (store) this.history.push({ line: count, input: code, output: outputText });
    let aborted: QueuedExecute[] = [];
    if (failure !== undefined) {
      if (!silent) channels.publish('error', { ...failure }, msg);
      if (msg.content.stop_on_error !== false) {
        await this.settleIncoming();
        aborted = this.queue.splice(0);
      }
      channels.reply('shell', 'execute_reply', { status: 'error', execution_count: count, ...failure }, msg);
    } else {
      channels.reply('shell', 'execute_reply', { status: 'ok', execution_count: count, user_expressions: {}, payload: [] }, msg);
    }
    channels.publish('status', { execution_state: 'idle' }, msg);
    return aborted;
  }
}
