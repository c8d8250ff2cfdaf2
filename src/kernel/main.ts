#!/usr/bin/env node
/**
 * The trainlab kernel's entry point, started by Jupyter from the kernel spec:
 * `node dist/kernel/main.js --config-path {connection_file}`.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import { StopButtonGuard } from '../callbacks/fitGuard';
import { createExecutor } from './executor';
import { Kernel, type Channels } from './kernel';
import { Fallback, forwardTypeScriptPaths } from './resolve';
import { formatError } from './traceback';
import { loadTslab } from './tslab';
import { decode, encode, type ConnectionInfo, type Message } from './wire';
import type { BundleFunction } from './result';

interface Socket {
  bind(address: string): Promise<void>;
  send(frames: Array<Buffer | string>): Promise<void>;
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Buffer[]>;
}

interface Zmq {
  Publisher: new () => Socket;
  Router: new () => Socket;
  Reply: new () => Socket;
}

function usage(message: string): never {
  process.stderr.write(`trainlab kernel: ${message}\nusage: node dist/kernel/main.js --config-path <connection file>\n(Jupyter starts the kernel this way; register it with 'npx trainlab kernel install'.)\n`);
  process.exit(2);
}

function connectionFile(argv: readonly string[]): string {
  const at = argv.indexOf('--config-path');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (file === undefined) usage('missing --config-path');
  return file;
}

/** Sends on one socket at a time: zeromq rejects a send while another is in flight. */
function serialSender(socket: Socket): (frames: Array<Buffer | string>) => void {
  let chain = Promise.resolve();
  return (frames) => {
    chain = chain.then(() => socket.send(frames)).catch((error: unknown) => {
      originalStderr(`trainlab kernel: send failed: ${String(error)}\n`);
    });
  };
}

const originalStdout = process.stdout.write.bind(process.stdout);
const originalStderr = (text: string) => process.stderr.write(text);

function loadRichBundle(kernelRoot: string): BundleFunction | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require(path.join(kernelRoot, 'dist', 'index.js')) as { displayBundle?: BundleFunction };
    return typeof lib.displayBundle === 'function' ? lib.displayBundle : undefined;
  } catch (error) {
    originalStderr(`trainlab kernel: rich display is off, trainlab did not load: ${String(error)}\n`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const info = JSON.parse(fs.readFileSync(connectionFile(process.argv), 'utf8')) as ConnectionInfo;
  const kernelRoot = path.resolve(__dirname, '..', '..');
  const selfName = (JSON.parse(fs.readFileSync(path.join(kernelRoot, 'package.json'), 'utf8')) as { name: string; version: string });
  const cwd = process.cwd();
  const tslab = loadTslab();
  const fallback = new Fallback({ cwd, kernelRoot, selfName: selfName.name });
  forwardTypeScriptPaths(tslab.ts.sys as unknown as Parameters<typeof forwardTypeScriptPaths>[0], fallback);
  const executor = createExecutor({ tslab, cwd, fallback });
  // ■ reaches every model.fit on the kernel's TensorFlow.js, even one without trainlab's callbacks.
  tf.registerCallbackConstructor(0, StopButtonGuard);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zmq = require(require.resolve('zeromq', { paths: [tslab.root] })) as Zmq;
  const iopub = new zmq.Publisher();
  const shell = new zmq.Router();
  const control = new zmq.Router();
  const stdin = new zmq.Router();
  const hb = new zmq.Reply();
  const send = { iopub: serialSender(iopub), shell: serialSender(shell), control: serialSender(control) };
  const channels: Channels = {
    reply: (socket, msgType, content, parent) => send[socket](encode(info.key, msgType, content, parent, parent.identities)),
    publish: (msgType, content, parent) => send.iopub(encode(info.key, msgType, content, parent)),
  };
  const sockets = [iopub, shell, control, stdin, hb];
  const kernel = new Kernel({
    executor,
    tslab,
    channels,
    richBundle: loadRichBundle(kernelRoot),
    version: selfName.version,
    onShutdown: () => {
      // Let the reply and the last status leave before the sockets close.
      setTimeout(() => {
        executor.close();
        for (const s of sockets) s.close();
        process.exit(0);
      }, 100);
    },
  });

  // A cell's prints go to that cell's output (and, after it ends, to the last cell's, as IPython does).
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name] as unknown as { write: (chunk: unknown, ...rest: unknown[]) => boolean };
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : decoders[name].write(Buffer.from(chunk as Uint8Array));
      if (kernel.outputParent === undefined) return name === 'stdout' ? originalStdout(text) : (originalStderr(text), true);
      kernel.stream(name, text);
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  }
  process.on('SIGINT', () => kernel.interrupt());
  const report = (label: string) => (error: unknown) => {
    const { traceback } = formatError(error, executor.cells);
    kernel.stream('stderr', `${label} (after the cell that started it returned):\n${traceback.join('\n')}\n`);
  };
  process.on('uncaughtException', report('Uncaught exception'));
  process.on('unhandledRejection', report('Unhandled promise rejection'));

  const address = (port: number) => `${info.transport}://${info.ip}:${port}`;
  await Promise.all([
    iopub.bind(address(info.iopub_port)),
    shell.bind(address(info.shell_port)),
    control.bind(address(info.control_port)),
    stdin.bind(address(info.stdin_port)),
    hb.bind(address(info.hb_port)),
  ]);
  const listen = async (socket: Socket, name: 'shell' | 'control') => {
    for await (const frames of socket) {
      let msg: Message;
      try {
        msg = decode(info.key, frames);
      } catch (error) {
        originalStderr(`trainlab kernel: dropped a ${name} message: ${error instanceof Error ? error.message : String(error)}\n`);
        continue;
      }
      kernel.handle(name, msg);
    }
  };
  void listen(shell, 'shell');
  void listen(control, 'control');
  void (async () => {
    for await (const frames of hb) await hb.send(frames);
  })();
  channels.publish('status', { execution_state: 'starting' }, undefined);
}

main().catch((error: unknown) => {
  originalStderr(`trainlab kernel: could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
