import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { DEFECTIVE, TOKEN, readJsonReport, readJunit, serveDir, writeBundles } from './fixtures.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).

// Each case runs whole waves of handshakes on a shared two-core machine.
t.setTimeout(600_000);

t.test('a wave of 20 tasks: each once in every report, one missing, some defective', async (t) => {
  const dir = t.testdir({});
  const ids = await writeBundles(dir, 15);
  const all = [...ids.healthy, ...ids.defective, 'task-missing'];
  t.equal(all.length, 20);
  const server = await serveDir(t, dir);

  const out = join(dir, 'reports');
  const tasksFile = join(dir, 'tasks.txt');
  const lines = ['# wave 1', '', ...all.map((id, i) => (i === 3 ? `${id}  # db server` : id))];
  writeFileSync(tasksFile, `${lines.join('\n')}\n${all[0]}\n`);

  const result = await runCli(
    ['run', '--endpoint', server.url, '--tasks-file', tasksFile, '--out', out, '--timeout', '60'],
    { env: { SMS_AUTH_TOKEN: TOKEN }, timeoutMs: 600_000 },
  );
  t.equal(result.code, 1, 'a failed check outranks the missing task');
  t.match(result.stderr, `task ${all[0]} is given more than once: checked once`);
  t.notMatch(result.stderr, /BEGIN|PRIVATE KEY/, 'no key material on stderr');

  const json = readJsonReport(out);
  t.equal(json.complete, true);
  t.same(
    json.tasks.map((task) => task.task),
    all,
    'JSON: every task once, in the order given',
  );
  const missing = json.tasks.find((task) => task.task === 'task-missing');
  t.equal(missing?.error?.code, 'E_FETCH_HTTP', 'the missing task is an error row');
  t.equal(json.summary.errors, 1);
  t.equal(json.summary.verdict, 'fail', 'a failed check outranks the missing task');
  t.match(result.stdout, /^certkey: FAIL: \d+ passed, [1-9]\d* failed, .*, 1 task not checked$/m);
  for (const task of json.tasks.filter((task) => task.task !== 'task-missing')) {
    const failed = new Set(task.checks.filter((c) => c.status === 'fail').map((c) => c.suite));
    const defect = task.task.replace(/^bad-/, '');
    const suite = DEFECTIVE[defect];
    if (suite) t.ok(failed.has(suite), `${task.task} fails ${suite}`);
    else t.same([...failed], [], `${task.task} passes`);
    t.ok(
      task.checks.some((c) => c.suite === 'mtls'),
      `${task.task} ran the mtls suite`,
    );
    t.type(task.timings?.handshakeMs, 'number', `${task.task} has timings`);
  }

  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
    readJunit(out),
  ) as { testsuites: Record<string, string> & { testsuite: Array<Record<string, unknown>> } };
  const suites = xml.testsuites.testsuite;
  const taskOf = (suite: Record<string, unknown>) => String(suite.name).split('/')[0];
  t.same([...new Set(suites.map(taskOf))], all, 'JUnit: every task, in order');
  const sum = (key: string) => suites.reduce((total, s) => total + Number(s[key]), 0);
  t.equal(Number(xml.testsuites.tests), sum('tests'), 'JUnit: tests add up');
  t.equal(Number(xml.testsuites.failures), sum('failures'), 'JUnit: failures add up');
  t.equal(Number(xml.testsuites.errors), 1, 'JUnit: one error, the missing task');
  const checks = json.tasks.reduce((total, task) => total + task.checks.length, 0);
  t.equal(sum('tests'), checks + 1, 'JUnit: one testcase per check, plus the fetch error');

  for (const id of all) {
    const rows = result.stdout.split('\n').filter((line) => line.includes(` ${id}: `));
    const kind = id === 'task-missing' ? /^ERROR / : /^TASK  /;
    t.equal(rows.filter((line) => kind.test(line)).length, 1, `summary: one line for ${id}`);
  }
});

t.test('exit 3 when a task is not fetched and no check failed', async (t) => {
  const dir = t.testdir({});
  const ids = await writeBundles(dir, 2);
  const server = await serveDir(t, dir);
  const out = join(dir, 'reports');

  const args = ['run', '--endpoint', server.url, '--out', out, '--timeout', '60'];
  for (const id of [...ids.healthy, 'nope']) args.push('--task-id', id);
  const result = await runCli(args, { env: { SMS_AUTH_TOKEN: TOKEN }, timeoutMs: 300_000 });
  t.equal(result.code, 3);
  t.same(
    readJsonReport(out).tasks.map((task) => [task.task, task.error?.code ?? 'checked']),
    [...ids.healthy.map((id) => [id, 'checked']), ['nope', 'E_FETCH_HTTP']],
  );
  t.match(result.stdout, /^TASK  task-001: PASS/m);
  t.match(result.stderr, /nope: E_FETCH_HTTP/);
  t.match(result.stdout, /^certkey: ERROR: \d+ passed, 0 failed, .*, 1 task not checked$/m);
  t.notMatch(result.stdout, /^(certkey: )?FAIL/m, 'nothing failed, so nothing says FAIL');
  t.equal(readJsonReport(out).summary.verdict, 'error');

  const healthy = ['run', '--endpoint', server.url, '--out', out, '--timeout', '60'];
  for (const id of ids.healthy) healthy.push('--task-id', id);
  const ok = await runCli(healthy, { env: { SMS_AUTH_TOKEN: TOKEN }, timeoutMs: 300_000 });
  t.equal(ok.code, 0, 'exit 0 when every task passed');
});
