/**
 * `run --verbose`: each task's start, intake (with a fetch's failed attempts) and verdict on
 * stderr, with times; stdout as without it; never the token or a line of a private key.
 */
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import {
  TOKEN,
  assertNoSecrets,
  keyLines,
  startMockCli,
  writeHealthyBundle,
} from '../faults/mock-cli.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).
t.setTimeout(300_000);
const dir = t.testdir({});
const { path: BUNDLE, fields } = await writeHealthyBundle(dir);
const SECRETS = [TOKEN, ...keyLines(fields)];
const TIME = String.raw`\d+(\.\d)? m?s`;

t.test('a bundle file: read, then the verdict with its counts and times', async (t) => {
  const args = ['run', '--bundle', BUNDLE, '--out', join(dir, 'file')];
  const quiet = await runCli(args);
  const verbose = await runCli([...args, '--verbose']);

  t.equal(verbose.code, 0, verbose.stderr);
  t.equal(quiet.stderr, '', 'without --verbose stderr stays quiet');
  t.equal(verbose.stdout, quiet.stdout, 'stdout is the same summary');
  const lines = verbose.stderr.trimEnd().split('\n');
  t.equal(lines.length, 3, verbose.stderr);
  t.match(lines[0], /^certkey: \S*bundle\.json: reading the file$/);
  t.match(lines[1], new RegExp(`^certkey: \\S*bundle\\.json: read \\(${TIME}\\)$`));
  t.match(
    lines[2],
    new RegExp(
      `^certkey: \\S*bundle\\.json: PASS: \\d+ passed, 0 failed, 0 warnings, 0 skipped ` +
        `\\(${TIME}: checks ${TIME}, handshakes ${TIME}\\)$`,
    ),
  );
});

t.test('a failing bundle says FAIL and how many failed', async (t) => {
  const broken = join(dir, 'broken.json');
  const gen = await runCli(['gen', '--out', broken, '--defect', 'cert-in-key-field']);
  t.equal(gen.code, 0, gen.stderr);
  const result = await runCli(['run', '--bundle', broken, '--out', join(dir, 'fail'), '--verbose']);
  t.equal(result.code, 1);
  t.match(result.stderr, /broken\.json: FAIL: \d+ passed, [1-9]\d* failed, /);
});

t.test('under --strict the verdict line counts a warning as the summary does', async (t) => {
  const soon = join(dir, 'soon.json');
  const gen = await runCli(['gen', '--out', soon, '--defect', 'expires-soon']);
  t.equal(gen.code, 0, gen.stderr);
  const args = ['run', '--bundle', soon, '--out', join(dir, 'strict'), '--verbose'];

  const strict = await runCli([...args, '--strict']);
  t.equal(strict.code, 1);
  t.match(strict.stderr, /soon\.json: FAIL: \d+ passed, 1 failed, 0 warnings, /);
  t.match(strict.stdout, /^certkey: FAIL: \d+ passed, 1 failed, 0 warnings/m);

  const lax = await runCli(args);
  t.equal(lax.code, 0);
  t.match(lax.stderr, /soon\.json: PASS: \d+ passed, 0 failed, 1 warning, /);
});

t.test('a fetch: each failed attempt, the attempts it took, then the verdict', async (t) => {
  const mock = await startMockCli(t, ['--bundle', BUNDLE, '--fault', '503-burst:1']);
  const args = ['run', '--task-id', 'task-1', '--endpoint', mock.url, '--retries', '2'];
  const result = await runCli([...args, '--out', join(dir, 'fetch'), '--verbose'], {
    env: { SMS_AUTH_TOKEN: TOKEN },
  });

  t.equal(result.code, 0, result.stderr);
  const url = mock.url.replace(/[.]/g, '\\.');
  t.match(result.stderr, new RegExp(`^certkey: task-1: fetching from ${url}\n`));
  t.match(result.stderr, /\ncertkey: task-1: attempt 1 failed \(503\): retrying in \d+ ms\n/);
  t.match(result.stderr, new RegExp(`\ncertkey: task-1: fetched \\(${TIME}, 2 attempts\\)\n`));
  t.match(result.stderr, /\ncertkey: task-1: PASS: \d+ passed, 0 failed/);
  assertNoSecrets(t, result.stderr, SECRETS, 'stderr');
});

t.test('a fetch that fails: the attempts, the error code, not checked', async (t) => {
  const mock = await startMockCli(t, ['--bundle', BUNDLE, '--fault', '500-burst:5']);
  const args = ['run', '--task-id', 'task-1', '--endpoint', mock.url, '--retries', '1'];
  const result = await runCli([...args, '--out', join(dir, 'error'), '--verbose'], {
    env: { SMS_AUTH_TOKEN: TOKEN },
  });

  t.equal(result.code, 3, result.stderr);
  t.match(result.stderr, /\ncertkey: task-1: attempt 1 failed \(500\): retrying in \d+ ms\n/);
  t.match(
    result.stderr,
    new RegExp(`\ncertkey: task-1: not fetched: E_FETCH_HTTP \\(${TIME}, 2 attempts\\)\n`),
  );
  t.match(result.stderr, /\ncertkey: task-1: ERROR E_FETCH_HTTP, not checked \(/);
  t.match(result.stderr, /\ncertkey: E_FETCH_HTTP: /, 'the error itself is still printed');
  assertNoSecrets(t, result.stderr, SECRETS, 'stderr');
});
