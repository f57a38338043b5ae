import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { request } from 'undici';
import { fetchBundle } from '../../src/intake/fetch.js';
import { runCli } from '../helpers/cli.js';
import { CLI, ROOT } from '../helpers/paths.js';
import { TOKEN, sampleReply } from '../intake/fixtures.js';

const TEXT = `${JSON.stringify(sampleReply(), null, 2)}\n`;
const dir = t.testdir({ 'bundle.json': TEXT, 'broken.json': '{"cert": ', 'list.json': '[]' });
const BUNDLE = join(dir, 'bundle.json');

// The CLI tests run dist/: `npm run build` before them (npm test does).

/** A running `certkey mock`, with its output gathered so far. */
interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => { stdout: string; stderr: string };
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `certkey mock ARGS` and resolves with the URL from its first stdout line. */
function startCli(t: Test, args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'mock', ...args], {
    cwd: ROOT,
    env: { ...process.env, SMS_AUTH_TOKEN: '', NODE_DEBUG: 'certkey', ...env },
  });
  let stdout = '';
  let stderr = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      resolve({ child, url: stdout.slice(0, newline), output: () => ({ stdout, stderr }), exit });
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exit.then(({ code }) => reject(new Error(`mock exited (${code}) early: ${stderr}`)));
  });
}

for (const [signal, tokenFrom] of [
  ['SIGTERM', 'option'],
  ['SIGINT', 'environment'],
] as const) {
  t.test(`certkey mock serves until ${signal} (token from the ${tokenFrom})`, async (t) => {
    const args = ['--port', '0', '--bundle', BUNDLE, '--task-id', 'task-1'];
    const running =
      tokenFrom === 'option'
        ? await startCli(t, [...args, '--token', TOKEN])
        : await startCli(t, args, { SMS_AUTH_TOKEN: TOKEN });
    t.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'the first stdout line is the base URL');

    const fetched = await fetchBundle({
      endpoint: running.url,
      taskId: 'task-1',
      token: TOKEN,
      timeoutMs: 20_000,
      userAgent: 'certkey/test',
    });
    t.equal(fetched.raw.fields.cert, sampleReply()['cert']);

    const raw = await request(`${running.url}/v3/tasks/task-1/certkey?enable_ca_cert=true`, {
      headers: { 'x-auth-token': TOKEN },
    });
    t.equal(await raw.body.text(), TEXT, 'served as the original JSON text');

    const other = await request(`${running.url}/v3/tasks/task-2/certkey?enable_ca_cert=true`, {
      headers: { 'x-auth-token': TOKEN },
    });
    await other.body.dump();
    t.equal(other.statusCode, 404, 'only the named task is served');

    running.child.kill(signal);
    t.same(await running.exit, { code: 0, signal: null }, 'exits 0');
    await t.rejects(request(running.url), { code: 'ECONNREFUSED' }, 'the port is closed');

    const { stdout, stderr } = running.output();
    t.equal(stdout, `${running.url}\n`, 'stdout holds the URL only');
    t.match(stderr, /mock: GET \/v3\/tasks\/task-1\/certkey/, 'debug logging is on');
    t.notOk(stdout.includes(TOKEN) || stderr.includes(TOKEN), 'the token is never printed');
  });
}

t.test('without --task-id any task id gets the bundle', async (t) => {
  const running = await startCli(t, ['--bundle', BUNDLE, '--token', TOKEN]);
  const reply = await request(`${running.url}/v3/tasks/anything/certkey?enable_ca_cert=true`, {
    headers: { 'x-auth-token': TOKEN },
  });
  t.equal(await reply.body.text(), TEXT);
  running.child.kill('SIGTERM');
  t.equal((await running.exit).code, 0);
});

const BAD: [string, string[], string, RegExp][] = [
  ['no token', ['--bundle', BUNDLE], 'E_USAGE', /--token or in SMS_AUTH_TOKEN/],
  ['no bundle', ['--token', TOKEN], 'E_USAGE', /--bundle FILE/],
  [
    'a missing bundle',
    ['--token', TOKEN, '--bundle', join(dir, 'nope.json')],
    'E_INPUT_READ',
    /no such file/,
  ],
  [
    'a broken bundle',
    ['--token', TOKEN, '--bundle', join(dir, 'broken.json')],
    'E_INPUT_JSON',
    /not valid JSON/,
  ],
  [
    'a bundle that is a list',
    ['--token', TOKEN, '--bundle', join(dir, 'list.json')],
    'E_INPUT_SHAPE',
    /an array/,
  ],
  ['a bad port', ['--token', TOKEN, '--bundle', BUNDLE, '--port', '70000'], 'E_USAGE', /--port/],
];

for (const [name, args, code, message] of BAD) {
  t.test(`certkey mock with ${name} exits 2`, async (t) => {
    const result = await runCli(['mock', ...args], { env: { SMS_AUTH_TOKEN: '' } });
    t.equal(result.code, 2);
    t.equal(result.stdout, '');
    t.match(result.stderr, new RegExp(`^certkey: ${code}: `));
    t.match(result.stderr, message);
    t.notMatch(result.stderr, /\n\s+at /, 'no stack');
    t.notOk(result.stderr.includes(TOKEN), 'the token is never printed');
  });
}
