/** Writes the three report files into the report directory. */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CertkeyError } from '../errors.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderTap } from './tap.js';
import type { PreflightRun } from './types.js';

/** The report file names, fixed so CI jobs can find them. */
export const REPORT_FILES = {
  tap: 'preflight.tap',
  junit: 'preflight.junit.xml',
  json: 'preflight.json',
} as const;

/**
 * Writes preflight.tap, preflight.junit.xml and preflight.json into `dir`, each through a
 * temporary file and a rename so a reader never sees half a report. Returns the JSON text.
 */
export async function writeReports(run: PreflightRun, dir: string): Promise<string> {
  const json = renderJson(run);
  const files: Array<[string, string]> = [
    [REPORT_FILES.tap, await renderTap(run)],
    [REPORT_FILES.junit, renderJunit(run)],
    [REPORT_FILES.json, json],
  ];

  try {
    await makeDirectory(dir);
    for (const [name, text] of files) {
      const path = join(dir, name);
      await writeFile(`${path}.tmp`, text, { mode: 0o644 });
      await rename(`${path}.tmp`, path);
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new CertkeyError(
      'E_REPORT_WRITE',
      `cannot write the reports into ${dir} (${reason})`,
      'pass a writable directory with --out',
    );
  }
  return json;
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir is not
 * used: on a file system that answers ENOENT for a new folder whose parent exists (/proc),
 * it retries forever on a libuv thread, spinning a core, and the process never exits.
 */
async function makeDirectory(dir: string): Promise<void> {
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
