/** Writes the three report files into the report directory. */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirectory, reportWriteError } from './folder.js';
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
    throw reportWriteError(dir, error);
  }
  return json;
}
