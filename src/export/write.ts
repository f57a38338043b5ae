/**
 * Writes the redacted copy: never over an existing file unless forced, never over the bundle
 * it was made from, and through a temporary file and a rename when replacing one.
 */
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CertkeyError } from '../errors.js';

/**
 * Refuses, before any work, an output path that is the input bundle itself, or an existing
 * file without `force`. Writing checks again: a file may appear in between.
 */
export function checkOutput(out: string, bundle: string | undefined, force: boolean): void {
  if (out === '-') return;
  if (bundle !== undefined && bundle !== '-' && resolve(out) === resolve(bundle)) {
    throw new CertkeyError(
      'E_USAGE',
      `--out ${out} is the bundle being exported`,
      'write the redacted copy to another file and keep the original where it is',
    );
  }
  if (!force && existsSync(out)) throw writeError(out, { code: 'EEXIST' });
}

/** Writes `text` to `out` (`-`: stdout); an existing file only with `force`. */
export async function writeRedacted(out: string, text: string, force: boolean): Promise<void> {
  if (out === '-') {
    process.stdout.write(text);
    return;
  }

  try {
    if (!force) {
      await writeFile(out, text, { flag: 'wx', mode: 0o644 });
      return;
    }
    const temporary = `${out}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, text, { flag: 'wx', mode: 0o644 });
      await rename(temporary, out);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  } catch (error) {
    throw writeError(out, error);
  }
}

function writeError(out: string, error: unknown): CertkeyError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  if (code === 'EEXIST') {
    return new CertkeyError(
      'E_OUTPUT_EXISTS',
      `--out ${out} already exists`,
      'name a new file, or add --force to replace it',
    );
  }
  const reasons: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'it is a folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
  };
  return new CertkeyError(
    'E_OUTPUT_WRITE',
    `cannot write --out ${out}: ${reasons[code] ?? code}`,
    'pass a file name in a folder you can write to with --out',
  );
}
