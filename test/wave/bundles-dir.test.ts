import { execFileSync, spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { SAFE_TASK_ID, bundlesFromDir } from '../../src/mock/bundles-dir.js';
import { runCli } from '../helpers/cli.js';
import { CLI, ROOT } from '../helpers/paths.js';
import { TOKEN, serveDir } from './fixtures.js';

const dir = t.testdir({
  served: { 'task-1.json': '{"cert":"one"}', 'sub.json': { 'x.json': '{}' } },
  'secret.json': '{"outside":true}',
});
const served = join(dir, 'served');
// Links out of DIR, within DIR, and a FIFO: each a regular-looking <task_id>.json name.
symlinkSync(join(dir, 'secret.json'), join(served, 'out.json'));
symlinkSync('/etc/passwd', join(served, 'passwd.json'));
symlinkSync('task-1.json', join(served, 'within.json'));
const hasFifo = (() => {
  try {
    execFileSync('mkfifo', [join(served, 'fifo.json')]);
    return true;
  } catch {
    return false;
  }
})();

async function get(url: string) {
  const response = await request(url, { headers: { 'x-auth-token': TOKEN } });
  return { status: response.statusCode, body: await response.body.text() };
}

const path = (id: string) => `/v3/tasks/${id}/certkey?enable_ca_cert=true`;

t.test('serves DIR/<task_id>.json verbatim, 404 for a missing file', async (t) => {
  const server = await serveDir(t, served);
  t.same(await get(server.url + path('task-1')), { status: 200, body: '{"cert":"one"}' });
  t.equal((await get(server.url + path('task-2'))).status, 404);
  t.equal((await get(server.url + path('sub.json'))).status, 404, 'a directory is no task');
});

t.test('task ids outside the safe set never reach the file system', async (t) => {
  const server = await serveDir(t, served);
  for (const id of [
    '..%2Fsecret',
    '%2E%2E%2Fsecret',
    '..',
    '.hidden',
    'sub%2Fx',
    '%2Fetc%2Fpasswd',
  ]) {
    const reply = await get(server.url + path(id));
    t.equal(reply.status, 404, `${id} is no such task`);
    t.notMatch(reply.body, /outside/);
  }
  for (const id of ['../secret', '/etc/passwd', 'a/b', '.x', 'a\\b', 'a b', '']) {
    t.notOk(SAFE_TASK_ID.test(id), `${JSON.stringify(id)} is refused`);
  }
  t.ok(SAFE_TASK_ID.test('0f3c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6'), 'a UUID is served');
});

t.test('a symbolic link is no such task, wherever it points; the refusal is told', async (t) => {
  const refusals: string[] = [];
  const server = await serveDir(t, served, {
    bundles: bundlesFromDir(served, (reason) => refusals.push(reason)),
  });
  const noSuchTask = { error_code: 'SMS.9404', error_msg: 'The migration task does not exist.' };

  for (const id of ['out', 'passwd', 'within']) {
    const reply = await get(server.url + path(id));
    t.equal(reply.status, 404, `${id}.json is refused`);
    t.same(JSON.parse(reply.body), noSuchTask, 'in the shape of a missing task');
  }
  t.same(refusals, [
    `${join(served, 'out.json')} is a symbolic link, not a regular file of the bundles ` +
      'directory: refused, 404',
    `${join(served, 'passwd.json')} is a symbolic link, not a regular file of the bundles ` +
      'directory: refused, 404',
    `${join(served, 'within.json')} is a symbolic link, not a regular file of the bundles ` +
      'directory: refused, 404',
  ]);

  t.same(await get(server.url + path('task-1')), { status: 200, body: '{"cert":"one"}' });
  t.equal((await get(server.url + path('task-2'))).status, 404);
  t.equal(refusals.length, 3, 'a served file and a missing one are not refusals');
});

t.test('a FIFO is refused at once, not read', { skip: !hasFifo && 'no mkfifo' }, async (t) => {
  const refusals: string[] = [];
  const read = bundlesFromDir(served, (reason) => refusals.push(reason));
  t.equal(await read('fifo'), undefined);
  t.match(refusals, [/fifo\.json is a special file/]);
});

t.test('certkey mock --bundles-dir serves the directory until stopped', async (t) => {
  const child = spawn(process.execPath, [CLI, 'mock', '--bundles-dir', served, '--token', TOKEN], {
    cwd: ROOT,
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
    });
  });

  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  t.equal((await get(url + path('task-1'))).status, 200);
  t.equal((await get(url + path('..%2Fsecret'))).status, 404);
  const link = await get(url + path('out'));
  t.equal(link.status, 404, 'a link out of DIR is no such task');
  t.notMatch(link.body, /outside/);
  child.kill('SIGTERM');
  t.equal(await exit, 0);
  t.match(stderr, `certkey mock: ${join(served, 'out.json')} is a symbolic link`);
  t.notMatch(stderr, /outside/, 'the linked file is never shown');
});

t.test('--bundles-dir must be a directory, and not given with --bundle', async (t) => {
  const file = join(dir, 'secret.json');
  const notDir = await runCli(['mock', '--bundles-dir', file, '--token', TOKEN]);
  t.equal(notDir.code, 2);
  t.match(notDir.stderr, `E_INPUT_READ: cannot serve the bundles directory ${file}`);

  const both = await runCli(['mock', '--bundles-dir', served, '--bundle', file, '--token', TOKEN]);
  t.equal(both.code, 2);
  t.match(both.stderr, '--bundle and --bundles-dir both given');
});
