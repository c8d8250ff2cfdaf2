/**
 * Jupyter's wire protocol (messaging spec 5.3): signed multipart messages over ZeroMQ.
 * Pure functions over frames, so they are tested without sockets.
 */
import { createHmac, randomUUID } from 'crypto';

export const PROTOCOL_VERSION = '5.3';
const DELIMITER = '<IDS|MSG>';

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface Message {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/** The connection file Jupyter writes for a kernel. */
export interface ConnectionInfo {
  transport: string;
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

export function sign(key: string, parts: readonly (string | Buffer)[]): string {
  if (key === '') return '';
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Parses and verifies one message; throws on a bad signature or a missing delimiter. */
export function decode(key: string, frames: readonly Buffer[]): Message {
  const at = frames.findIndex((f) => f.toString() === DELIMITER);
  if (at < 0) throw new Error('wire: message without the <IDS|MSG> delimiter');
  const [signature, header, parent, metadata, content, ...buffers] = frames.slice(at + 1);
  if (content === undefined) throw new Error('wire: message with fewer than 4 JSON frames');
  const expected = sign(key, [header, parent, metadata, content]);
  if (expected !== signature.toString()) throw new Error('wire: message signature does not match the connection key');
  return {
    identities: frames.slice(0, at) as Buffer[],
    header: JSON.parse(header.toString()),
    parent_header: JSON.parse(parent.toString()),
    metadata: JSON.parse(metadata.toString()),
    content: JSON.parse(content.toString()),
    buffers: buffers as Buffer[],
  };
}

/** The frames of a message of type `msgType` answering (or caused by) `parent`. */
export function encode(key: string, msgType: string, content: Record<string, unknown>, parent: Message | undefined, identities: readonly Buffer[] = []): Array<Buffer | string> {
  const header: Header = {
    msg_id: randomUUID(),
    msg_type: msgType,
    session: parent?.header.session ?? kernelSession,
    username: parent?.header.username ?? 'trainlab',
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
  const parts = [JSON.stringify(header), JSON.stringify(parent?.header ?? {}), JSON.stringify({}), JSON.stringify(content)];
  return [...identities, DELIMITER, sign(key, parts), ...parts];
}

const kernelSession = randomUUID();
