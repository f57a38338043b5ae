/**
 * The bundles of `certkey mock --bundles-dir DIR`: `DIR/<task_id>.json`, read on each
 * request, and nothing that is not a plain file in DIR.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleSource } from './server.js';

/**
 * The task ids a bundles directory serves: letters, digits, `.`, `_` and `-`, not starting
 * with a dot, so an id can never name a file outside the directory (`../x`, `/etc/x`).
 */
export const SAFE_TASK_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/** Told why a task's file was refused; the reason names the file, never its content. */
export type RefusalLog = (reason: string) => void;

// O_NOFOLLOW makes open fail on a link swapped in after lstat; O_NONBLOCK keeps a FIFO
// from stalling the request before fstat refuses it. Both are 0 where the OS has none.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Serves `DIR/<task_id>.json` verbatim, read on each request. A missing file, a task id
 * outside SAFE_TASK_ID, or a file that is not a regular file (a directory, a FIFO) is no
 * such task (404). So is a symbolic link, wherever it points, even inside DIR: the id has
 * no path separator, so with the last component no link the file sits in DIR itself.
 * Each refused link or special file is told to `refused`.
 *
 * Limitation: a hard link in DIR to a file elsewhere is a regular file in DIR and is served;
 * nothing on the file tells it apart from a file made in DIR.
 */
export function bundlesFromDir(dir: string, refused: RefusalLog = () => {}): BundleSource {
  return async (taskId) => {
    if (!SAFE_TASK_ID.test(taskId)) return undefined;
    const file = join(dir, `${taskId}.json`);

    const kind = await lstat(file).then(kindOf, missing);
    if (kind === 'missing' || kind === 'directory') return undefined;
    if (kind !== 'file') return refuse(refused, file, kind);

    const handle = await open(file, OPEN_FLAGS).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOOP') return 'symbolic link' as const;
      return missing(error);
    });
    if (handle === 'missing') return undefined;
    if (typeof handle === 'string') return refuse(refused, file, handle);

    try {
      const opened = kindOf(await handle.stat());
      if (opened !== 'file') return refuse(refused, file, opened);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  };
}

/** What an entry is, in words for the log. */
function kindOf(info: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }) {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'directory';
  if (info.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

/** 'missing' for the errors that mean no such file; anything else is rethrown. */
function missing(error: NodeJS.ErrnoException): 'missing' {
  const code = error.code;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return 'missing';
  throw error;
}

/** Logs a refused file and answers no such task. */
function refuse(refused: RefusalLog, file: string, kind: string): undefined {
  refused(`${file} is a ${kind}, not a regular file of the bundles directory: refused, 404`);
  return undefined;
}
