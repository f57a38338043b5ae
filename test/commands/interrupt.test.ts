import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { closeOpenListeners, startTargetServer } from '../../src/handshake/server.js';
import { removeTemporaryReports } from '../../src/wave/interrupt.js';
import { CLI, ROOT } from '../helpers/paths.js';
import { TOKEN, readJsonReport, readJunit, serveDir, writeBundles } from '../wave/fixtures.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).

// Each case runs whole waves of handshakes on a shared two-core machine.
t.setTimeout(600_000);

/** How long a stalled run would go on without the signal: far past the test's patience. */
const STALL_TIMEOUT = '600';

/**
 * Runs a wave whose `stalled` task never gets an answer, sends `signal` once the mock has
 * seen that request, and resolves with the exit and the output. The child is killed (and
 * the test fails) if it does not exit within a generous minute of the signal.
 */
async function interruptWave(t: Test, signal: 'SIGINT' | 'SIGTERM', concurrency: string) {
  const dir = t.testdir({});
  const ids = await writeBundles(dir, 3);
  let seen: () => void = () => undefined;
  const stalledSeen = new Promise<void>((resolve) => (seen = resolve));
  const server = await serveDir(t, dir, {
    intercept: ({ taskId }) => {
      if (taskId !== 'stalled') return false;
      seen();
      return true; // never answers
    },
  });

  const out = join(dir, 'reports');
  const args = ['run', '--endpoint', server.url, '--out', out, '--timeout', STALL_TIMEOUT];
  for (const id of [...ids.healthy, 'stalled', ...ids.defective]) args.push('--task-id', id);
  args.push('--concurrency', concurrency);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, SMS_AUTH_TOKEN: TOKEN, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('close', (code, sig) => resolve({ code, signal: sig })),
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  await stalledSeen;
  child.kill(signal);
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const result = await exit;
  clearTimeout(watchdog);
  return { ...result, stdout, stderr, out, ids };
}

t.test('SIGINT during a stalled fetch: exit 130, reports marked incomplete', async (t) => {
  const run = await interruptWave(t, 'SIGINT', '1');
  t.same([run.code, run.signal], [130, null], 'exit 130, not killed by the watchdog');
  t.match(run.stderr, /interrupted by SIGINT: 3 of 8 tasks checked/);

  const json = readJsonReport(run.out);
  t.equal(json.complete, false);
  t.same(
    json.tasks.map((task) => task.task),
    run.ids.healthy,
    'the tasks that ended before the signal are kept',
  );
  t.match(readJunit(run.out), /certkey preflight \(incomplete\)/);
  t.match(readJunit(run.out), /<error message="the run was interrupted/, 'JUnit: an error');
  const tap = readFileSync(join(run.out, 'preflight.tap'), 'utf8');
  t.match(tap, /^not ok \d+ - incomplete: the run was interrupted/m, 'TAP: a failed point');
  t.match(run.stdout, /\(interrupted: incomplete\)/);
  t.match(run.stdout, /^certkey: INCOMPLETE: /m, 'an interrupted run never says PASS');
  t.notMatch(run.stdout, /^certkey: PASS/m);
  t.equal(json.summary.verdict, 'error', 'nothing failed, yet not every task was checked');
  t.same(
    readdirSync(run.out).filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary files left',
  );
});

t.test('SIGTERM during a wave, tasks at once: exit 143', async (t) => {
  const run = await interruptWave(t, 'SIGTERM', '4');
  t.same([run.code, run.signal], [143, null]);
  t.match(run.stderr, /interrupted by SIGTERM/);
  const json = readJsonReport(run.out);
  t.equal(json.complete, false);
  t.ok(json.tasks.length < 8, 'not every task is in the report');
  t.ok(existsSync(join(run.out, 'preflight.tap')));
});

t.test('an interrupted run closes the listeners still open', async (t) => {
  const { generateBundle } = await import('../../src/gen/bundle.js');
  const bundle = await generateBundle();
  const listener = await startTargetServer({
    cert: String(bundle.target_mgmt_cert),
    key: String(bundle.target_mgmt_private_key),
    ca: [String(bundle.ca_cert)],
    timeoutMs: 5000,
  });
  if (!('port' in listener)) throw new Error('the listener did not start');
  await closeOpenListeners();

  const refused = await new Promise<string>((resolve) => {
    const socket = connect(listener.port, '127.0.0.1');
    socket.on('connect', () => resolve('connected'));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
  t.equal(refused, 'ECONNREFUSED', 'nothing listens on its port any more');
});

t.test('temporary report files are removed, reports kept', async (t) => {
  const dir = t.testdir({
    'preflight.json.tmp': '{',
    'preflight.tap.tmp': '',
    'preflight.json': '{}',
    'other.tmp': 'not ours',
  });
  await removeTemporaryReports(dir);
  t.same(readdirSync(dir).sort(), ['other.tmp', 'preflight.json']);
  await removeTemporaryReports(join(dir, 'absent'));
});

const NEEDS_LINUX = process.platform === 'linux' ? false : 'needs mkfifo and /proc';

t.test(
  'one signal ends a run waiting to read its bundle from a pipe',
  { skip: NEEDS_LINUX },
  async (t) => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const dir = t.testdir({});
      const fifo = join(dir, 'bundle.json');
      execFileSync('mkfifo', [fifo]);
      const child = spawn(process.execPath, [CLI, 'run', '--bundle', fifo, '--out', dir], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exit = new Promise<[number | null, string | null]>((resolve) =>
        child.on('close', (status, sig) => resolve([status, sig])),
      );
      t.teardown(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });

      // The run has opened the pipe (and watches for signals) once /proc lists it.
      while (!opened(child.pid ?? 0, fifo)) await new Promise((wake) => setTimeout(wake, 50));
      child.kill(signal);
      const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const result = await exit;
      clearTimeout(watchdog);

      t.same(result, [code, null], `${signal}: exit ${code}, not killed by the watchdog`);
      t.match(stderr, new RegExp(`interrupted by ${signal}: 0 of 1 tasks checked`));
      t.match(stdout, /^certkey: INCOMPLETE: 0 passed/m, `${signal}: INCOMPLETE`);
    }
  },
);

/** True when process `pid` has `path` open. */
function opened(pid: number, path: string): boolean {
  try {
    const fds = readdirSync(`/proc/${pid}/fd`);
    return fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
