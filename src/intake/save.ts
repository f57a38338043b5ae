/**
 * `run --save-bundle FILE`: keeps the fetched reply for later runs (`run --bundle FILE`).
 * The file holds private keys, so it is created with mode 0600, and an existing file is
 * replaced only when it is a regular file nobody else can read; symbolic links are never
 * followed.
 */
import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { CertkeyError } from '../errors.js';
import { ALL_FIELDS, type RawBundle } from '../model.js';

const REMEDY =
  'name a new file for --save-bundle, or remove that one first: it would hold private keys';

/**
 * Refuses, before anything is fetched, a target that exists and others can read, and one in
 * a folder that does not exist.
 */
export async function checkSaveTarget(path: string): Promise<void> {
  let stat;
  try {
    stat = await fs.lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') await checkFolder(path);
    return;
  }
  refuse(path, stat);
}

/** Throws E_OUTPUT_WRITE when the folder a new file would be made in is not a folder. */
async function checkFolder(path: string): Promise<void> {
  let code = 'ENOTDIR';
  try {
    if ((await fs.stat(dirname(path))).isDirectory()) return;
  } catch (error) {
    code = (error as NodeJS.ErrnoException).code ?? 'ENOENT';
  }
  throw noFolder(path, code);
}

/** E_OUTPUT_WRITE for a file whose folder is missing: removing a file would not help. */
function noFolder(path: string, code: string): CertkeyError {
  const folder = dirname(path);
  const reason =
    code === 'ENOTDIR' ? `${folder} is not a folder` : `the folder ${folder} does not exist`;
  return new CertkeyError(
    'E_OUTPUT_WRITE',
    `cannot write ${path}: ${reason}`,
    'create the folder first, or give --save-bundle a file in a folder that exists',
  );
}

/**
 * Writes the reply's fields as JSON, the CA under the name it arrived with. Throws
 * E_OUTPUT_EXISTS for a file others can read and E_OUTPUT_WRITE when it cannot be written.
 *
 * Limitation: the fields are written back from the parsed reply, so fields that were not
 * strings and fields certkey does not know are left out of the saved file.
 */
export async function saveReply(path: string, raw: RawBundle): Promise<void> {
  const { O_WRONLY, O_CREAT, O_NOFOLLOW } = constants;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, O_WRONLY | O_CREAT | O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOENT' || code === 'ENOTDIR') throw noFolder(path, code);
    const reason = code === 'ELOOP' ? 'it is a symbolic link' : code;
    throw new CertkeyError('E_OUTPUT_WRITE', `cannot write ${path}: ${reason}`, REMEDY);
  }

  try {
    refuse(path, await handle.stat());
    await handle.truncate(0);
    await handle.writeFile(`${JSON.stringify(replyOf(raw), null, 2)}\n`);
  } finally {
    await handle.close();
  }
}

/** The reply as SMS sent it, as far as the raw bundle keeps it. */
function replyOf(raw: RawBundle): Record<string, string> {
  const reply: Record<string, string> = {};
  for (const field of ALL_FIELDS) {
    const text = raw.fields[field];
    if (text === undefined) continue;
    reply[field === 'ca' ? (raw.caFieldName ?? 'ca') : field] = text;
  }
  return reply;
}

/** Throws unless the file is a regular file only its owner can read. */
function refuse(path: string, stat: { isFile(): boolean; mode: number }): void {
  if (!stat.isFile()) {
    throw new CertkeyError('E_OUTPUT_EXISTS', `${path} exists and is not a regular file`, REMEDY);
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new CertkeyError(
      'E_OUTPUT_EXISTS',
      `${path} already exists and others can read it (mode ${mode})`,
      REMEDY,
    );
  }
}
