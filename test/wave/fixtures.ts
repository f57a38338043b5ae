/**
 * A wave on loopback for tests: a bundles directory with healthy and defective bundles,
 * served by the SMS-compatible mock, and the report files a run leaves.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { bundlesFromDir } from '../../src/mock/bundles-dir.js';
import { startMock, type MockOptions } from '../../src/mock/server.js';

/** The token the mock wants. */
export const TOKEN = 'wave-test-token-0123456789';

/** Defects whose failures show on every Node version, with the suite that must fail. */
export const DEFECTIVE: Readonly<Record<string, string>> = {
  'expired-leaf': 'expiry',
  'source-key-mismatch': 'pair',
  'leaf-signed-by-other-ca': 'chain',
  'target-client-auth-only': 'usage',
};

/** Writes `healthy` healthy bundles and one per entry of DEFECTIVE; returns their task ids. */
export async function writeBundles(dir: string, healthy: number) {
  const ids = { healthy: [] as string[], defective: [] as string[] };
  for (let i = 1; i <= healthy; i++) {
    const id = `task-${String(i).padStart(3, '0')}`;
    await writeFile(join(dir, `${id}.json`), JSON.stringify(await generateBundle()));
    ids.healthy.push(id);
  }
  for (const defect of Object.keys(DEFECTIVE)) {
    const id = `bad-${defect}`;
    await writeFile(join(dir, `${id}.json`), JSON.stringify(await generateBundle({ defect })));
    ids.defective.push(id);
  }
  return ids;
}

/** Serves `dir` as the certkey API until the test ends. */
export async function serveDir(t: Test, dir: string, extra: Partial<MockOptions> = {}) {
  const server = await startMock({ token: TOKEN, bundles: bundlesFromDir(dir), ...extra });
  t.teardown(() => server.close());
  return server;
}

/** The JSON report of a run. */
export interface JsonReport {
  complete: boolean;
  summary: { errors: number; fail: number; verdict: string };
  tasks: Array<{
    task: string;
    checks: Array<{ suite: string; status: string }>;
    error?: { code: string };
    timings?: { intakeMs: number; checksMs: number; handshakeMs: number };
  }>;
}

/** Reads the JSON report in `out`. */
export function readJsonReport(out: string): JsonReport {
  return JSON.parse(readFileSync(join(out, 'preflight.json'), 'utf8')) as JsonReport;
}

/** Reads the JUnit report in `out`. */
export function readJunit(out: string): string {
  return readFileSync(join(out, 'preflight.junit.xml'), 'utf8');
}
