/** Paths the tests share: the repository, the built CLI, and the optional shared corpus. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The CLI entry that `npm ci` builds. */
export const CLI = join(ROOT, 'bin', 'certkey.js');

/** The shared reference folder beside the repository, present in CI, absent elsewhere. */
export const SHARED = join(ROOT, '..', 'shared');

/** Whether the shared folder is there; tests that need it skip with a note otherwise. */
export const HAVE_SHARED = existsSync(SHARED);
