/**
 * Shared by the fault, hostile-input and secret tests: a healthy generated bundle on disk,
 * `certkey mock` spawned through the CLI, and the checks every failure's output must pass.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { CLI, ROOT } from '../helpers/paths.js';

/** A token distinctive enough that finding it anywhere is a leak. */
export const TOKEN = 'tok-HOSTILE-5d1e8a2c4b7f9e3a6c0d2b8f';

/** A running `certkey mock`. */
export interface RunningMock {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => { stdout: string; stderr: string };
  stop: () => Promise<void>;
}

/** Writes a healthy generated bundle (mode 0600) into `dir` and returns its path and fields. */
export async function writeHealthyBundle(
  dir: string,
  name = 'bundle.json',
): Promise<{ path: string; fields: Record<string, string> }> {
  const fields = (await generateBundle()) as Record<string, string>;
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(fields, null, 2), { mode: 0o600 });
  return { path, fields };
}

/**
 * Every base64 line (16 characters or more) of every private key in the bundle: none may
 * appear in any output.
 */
export function keyLines(fields: Record<string, string>): string[] {
  return Object.entries(fields)
    .filter(([name]) => name.endsWith('private_key'))
    .flatMap(([, pem]) => pem.split(/\r?\n/))
    .map((line) => line.trim())
    .filter((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line));
}

/** Asserts that `text` holds neither the token nor any key line; names `where` on failure. */
export function assertNoSecrets(t: Test, text: string, secrets: string[], where: string): void {
  const found = secrets.filter((secret) => text.includes(secret));
  t.same(found.length, 0, `${where}: no token or key material`);
}

/** Asserts a failure printed one error line and a remedy, and no stack trace. */
export function assertCleanError(t: Test, stderr: string, code: RegExp): void {
  t.match(stderr, code, 'the error code');
  t.match(stderr, /\n {2}remedy: \S/, 'a remedy');
  t.notMatch(stderr, /\n\s+at \S/, 'no stack trace');
}

/** Starts `certkey mock ARGS` (token and bundle given) and resolves once it prints its URL. */
export function startMockCli(
  t: Test,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunningMock> {
  const child = spawn(process.execPath, [CLI, 'mock', '--token', TOKEN, ...args], {
    cwd: ROOT,
    env: { ...process.env, SMS_AUTH_TOKEN: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  t.teardown(stop);

  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      resolve({ child, url: stdout.slice(0, newline), output: () => ({ stdout, stderr }), stop });
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then(() => reject(new Error(`certkey mock exited early: ${stderr}`)));
  });
}
