/**
 * The report folder: made before a run starts, so that a bad `--out` is said at once and not
 * after a whole wave has been checked, and made again (a no-op) when the reports are written.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CertkeyError } from '../errors.js';

/**
 * Makes `dir` (and its missing parents) and checks that files can be made in it. Throws
 * E_REPORT_WRITE naming the folder when it cannot be made or written.
 */
export async function prepareReportFolder(dir: string): Promise<void> {
  try {
    await makeDirectory(dir);
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw reportWriteError(dir, error);
  }
}

/** The E_REPORT_WRITE error for a report folder, with the system's reason code. */
export function reportWriteError(dir: string, error: unknown): CertkeyError {
  const reason = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new CertkeyError(
    'E_REPORT_WRITE',
    `cannot write the reports into ${dir} (${reason})`,
    'pass a writable directory with --out',
  );
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir is not
 * used: on a file system that answers ENOENT for a new folder whose parent exists (/proc),
 * it retries forever on a libuv thread, spinning a core, and the process never exits.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    const found = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (found && !found.isDirectory()) {
      throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
    }
    if (found || dirname(current) === current) break;
    missing.unshift(current);
  }

  for (const path of missing) {
    await mkdir(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}
