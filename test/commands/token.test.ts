import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { tokenCommand } from '../../src/commands/token.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startIamMock, type IamMock } from '../helpers/iam-mock.js';

const PASSWORD = 'Tr0ub4dor&3-never-shown';
const TOKEN = 'MIIEtokenForTheCommandTest0123456789abcdef';
const ACCOUNT = { user: 'migrator', domain: 'example-domain', project: 'ap-southeast-3' };

/** A mock IAM for one test. */
async function iam(t: Test): Promise<IamMock> {
  const mock = await startIamMock({ ...ACCOUNT, password: PASSWORD, token: TOKEN });
  t.teardown(() => mock.close());
  return mock;
}

/** `certkey token` against the mock, with a password in the environment unless told. */
function token(mock: IamMock, extra: string[] = [], env: Record<string, string | undefined> = {}) {
  const args = ['token', '--iam-endpoint', mock.url, '--user', ACCOUNT.user];
  args.push('--domain', ACCOUNT.domain, '--project', ACCOUNT.project, ...extra);
  return runCli(args, {
    env: { HUAWEICLOUD_IAM_PASSWORD: PASSWORD, ...env },
    timeoutMs: 120_000,
  });
}

/** No password in anything the run printed. */
function noPassword(t: Test, result: CliResult): void {
  t.notMatch(result.stdout, PASSWORD, 'no password on stdout');
  t.notMatch(result.stderr, PASSWORD, 'no password on stderr');
}

/** A folder for one test, removed afterwards. */
async function folder(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certkey-token-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('to a pipe: the token alone on stdout, for $(certkey token ...)', async (t) => {
  const mock = await iam(t);
  const result = await token(mock);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, `${TOKEN}\n`);
  t.equal(result.stderr, '');
  noPassword(t, result);
  t.match(mock.requests[0]?.json, {
    auth: { identity: { password: { user: { password: PASSWORD } } } },
  });
});

t.test('--out: a 0600 file, nothing on stdout, the token not on stderr', async (t) => {
  const mock = await iam(t);
  const dir = await folder(t);
  const out = join(dir, 'token');
  await writeFile(out, 'old content', { mode: 0o644 });

  const result = await token(mock, ['--out', out]);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, '');
  t.match(
    result.stderr,
    /wrote the IAM token for migrator@example-domain .* valid until 2027-03-02/,
  );
  t.notMatch(result.stderr, TOKEN);
  noPassword(t, result);

  t.equal(await readFile(out, 'utf8'), `${TOKEN}\n`);
  if (process.platform !== 'win32') t.equal((await stat(out)).mode & 0o777, 0o600);
});

t.test('a wrong password: exit 2, E_AUTH with IAM message, nothing printed of it', async (t) => {
  const mock = await iam(t);
  const result = await token(mock, [], { HUAWEICLOUD_IAM_PASSWORD: 'Wrong-Pa55word' });
  t.equal(result.code, 2);
  t.equal(result.stdout, '');
  t.match(result.stderr, /^certkey: E_AUTH: IAM refused a token for user migrator/);
  t.match(result.stderr, /The username or password is wrong\./);
  t.notMatch(result.stderr, /Wrong-Pa55word/);
  t.notMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
});

t.test('no password and no terminal: E_USAGE, nothing sent', async (t) => {
  const mock = await iam(t);
  const result = await token(mock, [], { HUAWEICLOUD_IAM_PASSWORD: undefined });
  t.equal(result.code, 2);
  t.match(result.stderr, /E_USAGE: no password: HUAWEICLOUD_IAM_PASSWORD is not set/);
  t.equal(mock.requests.length, 0);
});

t.test('IAM unreachable: exit 3', async (t) => {
  const mock = await startIamMock({ ...ACCOUNT, password: PASSWORD, token: TOKEN });
  await mock.close();
  const result = await token(mock);
  t.equal(result.code, 3);
  t.match(result.stderr, /E_FETCH_NETWORK: .*refused the connection/);
  noPassword(t, result);
});

t.test('a missing flag is a usage error', async (t) => {
  const result = await runCli(['token', '--iam-endpoint', 'https://iam.myhuaweicloud.com'], {
    env: { HUAWEICLOUD_IAM_PASSWORD: PASSWORD },
  });
  t.equal(result.code, 2);
  t.match(result.stderr, /E_USAGE/);
  t.match(result.stderr, /user/);
});

t.test('stdout on a terminal without --out: refused before asking anything', async (t) => {
  const saved = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  const savedPassword = process.env['HUAWEICLOUD_IAM_PASSWORD'];
  Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
  delete process.env['HUAWEICLOUD_IAM_PASSWORD'];
  t.teardown(() => {
    if (saved) Object.defineProperty(process.stdout, 'isTTY', saved);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
    if (savedPassword !== undefined) process.env['HUAWEICLOUD_IAM_PASSWORD'] = savedPassword;
  });

  const argv = { 'iam-endpoint': 'https://iam.myhuaweicloud.com', ...ACCOUNT, timeout: 10 };
  await t.rejects(tokenCommand(argv), {
    code: 'E_USAGE',
    message: 'the token would be shown on the terminal',
    remedy: /--out FILE/,
  });
});

t.test('plain http to a remote IAM is refused before the password is read', async (t) => {
  const argv = { 'iam-endpoint': 'http://iam.example.com', ...ACCOUNT, out: 'unused' };
  await t.rejects(tokenCommand(argv), { code: 'E_USAGE', message: /must be https/ });
});
