/**
 * A wave on a flaky network: 200 tasks against `certkey mock --fault random-5xx:0.1:SEED`,
 * without retries. Every task must end in the report exactly once, as pass, fail or error,
 * and the run must exit non-zero while any task did not pass.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { TOKEN, assertNoSecrets, keyLines, startMockCli, writeHealthyBundle } from './mock-cli.js';

t.setTimeout(900_000);

const TASKS = Array.from({ length: 200 }, (_, i) => `wave-task-${String(i).padStart(3, '0')}`);
const SEED = 7;

interface ReportTask {
  task: string;
  checks: { status: string }[];
  error?: { code: string; message: string };
}

t.test('200 tasks, 10% of requests failing: none lost, none twice', async (t) => {
  const dir = t.testdir({});
  const { path: bundle, fields } = await writeHealthyBundle(dir);
  const tasksFile = join(dir, 'tasks.txt');
  writeFileSync(tasksFile, `# one wave\n${TASKS.join('\n')}\n`);

  const mock = await startMockCli(t, ['--bundle', bundle, '--fault', `random-5xx:0.1:${SEED}`]);
  const out = join(dir, 'reports');
  const result = await runCli(
    ['run', '--tasks-file', tasksFile, '--endpoint', mock.url, '--retries', '0', '--json'],
    { env: { SMS_AUTH_TOKEN: TOKEN }, timeoutMs: 800_000, cwd: dir },
  );
  await mock.stop();

  const report = JSON.parse(result.stdout) as { tasks: ReportTask[]; complete: boolean };
  const ids = report.tasks.map((task) => task.task);
  t.equal(ids.length, TASKS.length, 'one result per task');
  t.same([...new Set(ids)].sort(), TASKS, 'every task once, none lost');
  t.equal(report.complete, true);

  const errors = report.tasks.filter((task) => task.error);
  const failed = report.tasks.filter((task) => task.checks.some((c) => c.status === 'fail'));
  const passed = report.tasks.filter((task) => !task.error && task.checks.length > 0);
  const codes = errors.map((task) => `${task.task}: ${task.error?.code} ${task.error?.message}`);
  t.ok(errors.length > 0 && errors.length < 60, `some tasks errored (${errors.length})`, {
    codes: codes.slice(0, 10),
  });
  t.ok(
    errors.every((task) => task.error?.code === 'E_FETCH_HTTP'),
    'every error is the injected 5xx',
  );
  t.equal(failed.length, 0, 'a healthy bundle fails no check');
  t.equal(passed.length + errors.length, TASKS.length, 'pass or error, nothing else');
  t.equal(result.code, 3, 'exit 3 while any task could not be fetched');

  const saved = JSON.parse(readFileSync(join(out, 'preflight.json'), 'utf8')) as {
    tasks: ReportTask[];
  };
  t.equal(saved.tasks.length, TASKS.length, 'the JSON report file holds every task');
  const secrets = [TOKEN, ...keyLines(fields)];
  assertNoSecrets(t, result.stdout + result.stderr, secrets, 'the wave output');
});
