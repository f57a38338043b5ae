import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { runCli } from '../helpers/cli.js';
import { TOKEN, readJsonReport, serveDir, writeBundles } from '../wave/fixtures.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).
t.setTimeout(600_000);

const ENV = { env: { SMS_AUTH_TOKEN: TOKEN }, timeoutMs: 300_000 };

t.test('a bad tasks file is exit 2 naming the file', async (t) => {
  const dir = t.testdir({ 'bad.txt': 'task-1\ntask 2\n', 'empty.txt': '# none\n\n' });
  const cases: Array<[string, RegExp]> = [
    [join(dir, 'absent.txt'), /E_INPUT_READ: cannot read the tasks file .*absent\.txt \(ENOENT\)/],
    [join(dir, 'bad.txt'), /E_INPUT_SHAPE: the tasks file .*bad\.txt, line 2, is not a task id/],
    [join(dir, 'empty.txt'), /E_INPUT_SHAPE: the tasks file .*empty\.txt holds no task id/],
  ];
  for (const [file, message] of cases) {
    const result = await runCli(
      ['run', '--endpoint', 'http://127.0.0.1:9', '--tasks-file', file, '--out', dir],
      ENV,
    );
    t.equal(result.code, 2, file);
    t.match(result.stderr, message);
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});

t.test('usage mistakes of a wave are exit 2', async (t) => {
  const dir = t.testdir({ 'tasks.txt': 'task-1\n', 'b.json': '{}' });
  const tasks = join(dir, 'tasks.txt');
  const cases: Array<[string[], RegExp]> = [
    [['--bundle', join(dir, 'b.json'), '--tasks-file', tasks], /--bundle and --tasks-file both/],
    [['--bundle', join(dir, 'b.json'), '--task-id', 'a'], /--bundle and --task-id both given/],
    [['--tasks-file', tasks], /--tasks-file needs --endpoint/],
    [['--task-id', 'a'], /--task-id needs --endpoint/],
    [['--endpoint', 'http://127.0.0.1:9', '--task-id', 'a', '--concurrency', '0'], /--concurrency/],
    [['--endpoint', 'http://127.0.0.1:9', '--task-id', 'a b'], /--task-id "a b" is not a task id/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['run', ...args, '--out', join(dir, 'r')], ENV);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, message);
  }
});

t.test(
  'one bundle: one task with timings; --timings on stderr; no progress in a pipe',
  async (t) => {
    const dir = t.testdir({});
    const file = join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(await generateBundle()));
    const out = join(dir, 'reports');

    const result = await runCli(['run', '--bundle', file, '--out', out, '--timings'], ENV);
    t.equal(result.code, 0);
    const json = readJsonReport(out);
    t.equal(json.complete, true);
    t.equal(json.tasks.length, 1);
    t.ok((json.tasks[0]?.timings?.handshakeMs ?? 0) > 0, 'the handshakes took time');

    const line = /certkey: timings: (\{.*\})/.exec(result.stderr)?.[1] ?? '{}';
    const timings = JSON.parse(line) as Record<string, number>;
    t.same(Object.keys(timings).sort(), [
      'checksMs',
      'handshakeMs',
      'intakeMs',
      'reportMs',
      'tasks',
      'wallMs',
    ]);
    t.equal(timings.tasks, 1);
    t.notMatch(result.stderr, /tasks checked/, 'no progress line when stderr is a pipe');
  },
);

t.test('--json prints the wave as JSON, a row per task', async (t) => {
  const dir = t.testdir({});
  const ids = await writeBundles(dir, 2);
  const server = await serveDir(t, dir);
  const args = ['run', '--endpoint', server.url, '--json', '--out', join(dir, 'r')];
  for (const id of [...ids.healthy, 'gone']) args.push('--task-id', id);
  args.push('--concurrency', '1', '--timeout', '60');

  const result = await runCli(args, ENV);
  t.equal(result.code, 3);
  const json = JSON.parse(result.stdout) as { tasks: Array<{ task: string }> };
  t.same(
    json.tasks.map((task) => task.task),
    [...ids.healthy, 'gone'],
  );
});

t.test('one task refused for a wrong token: the verdict is error, exit 3', async (t) => {
  const dir = t.testdir({});
  await writeBundles(dir, 1);
  const server = await serveDir(t, dir);
  const out = join(dir, 'reports');

  const args = ['run', '--endpoint', server.url, '--task-id', 'task-001', '--out', out];
  const result = await runCli([...args, '--retries', '0'], {
    ...ENV,
    env: { SMS_AUTH_TOKEN: 'a-wrong-token' },
  });
  t.equal(result.code, 3);
  t.match(result.stdout, /^ERROR E_FETCH_HTTP: .* 401 /m);
  t.match(result.stdout, /^certkey: ERROR: 0 passed, 0 failed, 0 warnings, 0 skipped, 1 task/m);
  t.notMatch(result.stdout, /^(certkey: )?FAIL/m, 'nothing says FAIL');
  const json = readJsonReport(out);
  t.same([json.summary.fail, json.summary.errors, json.summary.verdict], [0, 1, 'error']);
});

t.test('--out where no folder can be made is exit 2, not a hang', async (t) => {
  const dir = t.testdir({});
  const bundle = join(dir, 'bundle.json');
  writeFileSync(bundle, JSON.stringify(await generateBundle()));
  const outs = [join(dir, 'bundle.json', 'reports')];
  // /proc refuses new folders with ENOENT though their parent exists: Node's recursive mkdir
  // retried that forever.
  if (process.platform === 'linux') outs.push('/proc/certkey-reports', '/proc/certkey/reports');
  for (const out of outs) {
    const result = await runCli(['run', '--bundle', bundle, '--out', out], { timeoutMs: 120_000 });
    t.same([result.code, result.signal], [2, null], `${out}: exit 2, not killed`);
    t.match(result.stderr, /E_REPORT_WRITE: cannot write the reports into/);
  }
});

t.test('a bad --out is said before any task is fetched', async (t) => {
  const dir = t.testdir({ afile: 'not a folder\n', 'tasks.txt': 'task-1\ntask-2\n' });
  const asked: string[] = [];
  const server = await serveDir(t, dir, {
    bundles: async (taskId) => {
      asked.push(taskId);
      return undefined;
    },
  });
  const args = ['run', '--endpoint', server.url, '--tasks-file', join(dir, 'tasks.txt')];
  const result = await runCli([...args, '--out', join(dir, 'afile')], {
    env: { SMS_AUTH_TOKEN: TOKEN },
  });

  t.equal(result.code, 2);
  t.match(result.stderr, /^certkey: E_REPORT_WRITE: cannot write the reports into \S*afile/);
  t.same(asked, [], 'no task was fetched');
  t.equal(result.stdout, '', 'no summary of a run that did not happen');
});

t.test('a private key under a CERTIFICATE label is named as one, never shown', async (t) => {
  const dir = t.testdir({});
  const reply = await generateBundle();
  const key = String(reply.private_key);
  const body = key.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
  const relabelled = `-----BEGIN CERTIFICATE-----\n${body.join('\n')}\n-----END CERTIFICATE-----\n`;
  const bundle = join(dir, 'bundle.json');
  writeFileSync(bundle, JSON.stringify({ ...reply, private_key: relabelled }));

  const result = await runCli(['run', '--bundle', bundle, '--out', join(dir, 'reports')]);
  t.equal(result.code, 1, result.stderr);
  const line = result.stdout.split('\n').find((each) => each.includes('parse/private_key'));
  t.match(line, /^FAIL\s+parse\/private_key: private_key has a CERTIFICATE block whose content/);
  t.match(line, /is not a certificate \(it looks like a PKCS#\d private key\): fix the label$/);
  t.notMatch(result.stdout, /holds a certificate where a private key belongs/);
  const printed = result.stdout + result.stderr;
  const pieces = body.join('').match(/.{24}/g) ?? [];
  t.same(
    pieces.filter((piece) => printed.includes(piece)),
    [],
    'no piece of the key printed',
  );
});
