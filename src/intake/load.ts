/**
 * Reads a saved certkey reply from a file or stdin. Every failure is one line naming the
 * file; the content is never echoed, since a bundle holds private keys.
 */
import { constants, open as openDescriptor } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { CertkeyError } from '../errors.js';
import type { RawBundle } from '../model.js';
import { toRawBundle } from './bundle.js';

/** The largest file accepted: seven 1 MiB fields, pretty-printed, fit well within it. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** A bundle file as read: its text, its decoded JSON and the name used in messages. */
export interface BundleText {
  text: string;
  json: unknown;
  origin: string;
}

/** Reads a saved reply (`-` for stdin) and sorts its fields; see toRawBundle. */
export async function loadBundle(path: string): Promise<RawBundle> {
  const { json, origin } = await readBundleText(path);
  return toRawBundle(json, origin);
}

/**
 * Reads and decodes a bundle file (`-` for stdin) without judging its fields. Throws
 * E_INPUT_READ when the file cannot be read and E_INPUT_JSON when it is not UTF-8 JSON.
 */
export async function readBundleText(path: string): Promise<BundleText> {
  const origin = path === '-' ? 'stdin' : path;
  const bytes = path === '-' ? await readStdin() : await readFile(path);

  const text = decode(bytes, origin);
  if (text.trim() === '') {
    throw new CertkeyError(
      'E_INPUT_JSON',
      `${origin} is empty`,
      'save the whole body of the certkey reply, or fetch it with --task-id and --endpoint',
    );
  }

  return { text, json: parse(text, origin), origin };
}

/** Reads stdin to the end, refusing a terminal (nobody types a bundle). */
async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new CertkeyError(
      'E_INPUT_READ',
      'stdin is a terminal, not a bundle',
      'pipe the reply in (`certkey run --bundle - < reply.json`) or name the file',
    );
  }
  return collect(process.stdin, 'stdin');
}

/** Reads a file, turning each system error into a sentence about the file. */
async function readFile(path: string): Promise<Uint8Array> {
  try {
    if ((await stat(path)).isFIFO()) return await readPipe(path);
    const handle = await open(path, 'r');
    try {
      return await collect(handle.createReadStream({ autoClose: false }), path);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof CertkeyError) throw error;
    throw readError(path, error);
  }
}

/**
 * Reads a named pipe without holding a thread of libuv's pool: a blocking open waits there
 * for a writer, and process.exit waits for that thread, so an interrupted run could not end.
 * Opened non-blocking and read as a stream, the pipe waits in the event loop instead.
 *
 * Limitation: Linux waits for the first writer; a system that reports a pipe without a
 * writer as ended at once makes such a pipe read as an empty file.
 */
async function readPipe(path: string): Promise<Uint8Array> {
  const fd = await promisify(openDescriptor)(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const pipe = new Socket({ fd, readable: true, writable: false });
  try {
    return await collect(pipe, path);
  } finally {
    pipe.destroy();
  }
}

/** Collects a stream's bytes, stopping at MAX_INPUT_BYTES. */
async function collect(stream: AsyncIterable<unknown>, origin: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) {
      throw new CertkeyError(
        'E_INPUT_READ',
        `${origin} is over ${MAX_INPUT_BYTES / 1024 / 1024} MiB, too large for a certkey reply`,
        'name the file that holds the saved reply of GET /v3/tasks/{task_id}/certkey',
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The sentence for a system error while reading. */
function readError(path: string, error: unknown): CertkeyError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  const reasons: Record<string, [string, string]> = {
    ENOENT: ['no such file', 'check the path'],
    ENOTDIR: ['a part of the path is not a directory', 'check the path'],
    EISDIR: ['it is a directory', 'name the JSON file inside it'],
    EACCES: ['permission denied', 'make the file readable by this user'],
    EPERM: ['permission denied', 'make the file readable by this user'],
    ELOOP: ['too many symbolic links', 'check the path'],
  };
  const [reason, remedy] = reasons[code] ?? [code, 'check that the file can be read'];
  return new CertkeyError('E_INPUT_READ', `cannot read ${path}: ${reason}`, remedy);
}

/** Decodes UTF-8 (a byte order mark is dropped), naming UTF-16 files, which Windows makes. */
function decode(bytes: Uint8Array, origin: string): string {
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const saveAs = 'save it as UTF-8 (PowerShell: `Out-File -Encoding utf8`)';
  if (utf16) throw new CertkeyError('E_INPUT_JSON', `${origin} is UTF-16, not UTF-8`, saveAs);

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CertkeyError('E_INPUT_JSON', `${origin} is not UTF-8 text`, saveAs);
  }
}

/**
 * Parses JSON, reporting where it broke but never the text around it: V8 quotes the input
 * in some of its messages, and the input may be a private key.
 */
function parse(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    throw new CertkeyError(
      'E_INPUT_JSON',
      `${origin} is not valid JSON: ${describeJsonError(message, text)}`,
      'save the reply body unchanged (a shell or editor may have cut or wrapped it)',
    );
  }
}

/** `unterminated string at line 3 column 9`, from V8's message, without any quoted input. */
export function describeJsonError(message: string, text: string): string {
  if (/^Unexpected end of JSON input/.test(message)) return 'it ends too early';

  const found = /^([^"]*?) (?:in JSON )?at position (\d+)/.exec(message);
  if (!found?.[1] || !found[2]) return 'unexpected character';

  const before = text.slice(0, Number(found[2]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  const reason = found[1].charAt(0).toLowerCase() + found[1].slice(1);
  return `${reason} at line ${line} column ${column}`;
}
