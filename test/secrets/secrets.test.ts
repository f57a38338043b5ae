/**
 * Secrets stay secret: every command and every failure path, with NODE_DEBUG switched on for
 * certkey and the network modules, is scanned (stdout, stderr, every report file) for the
 * token, the AK/SK, the IAM password and every base64 line of every private key.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startIamMock } from '../helpers/iam-mock.js';
import { ROOT } from '../helpers/paths.js';
import { TOKEN, keyLines, startMockCli, writeHealthyBundle } from '../faults/mock-cli.js';

t.setTimeout(900_000);
t.jobs = 3;

const DEBUG = 'certkey,undici,net,tls,http';
const AK = 'AKHOSTILE7Q2W9E4R6T8';
const SK = 'skHOSTILEa8d3f6b1c9e2d7a4f0b5c8e1d3a6f9b2c4e7';
const PASSWORD = 'pw-HOSTILE-3e9a1c7b5d';
const dir = t.testdir({});
const { path: BUNDLE, fields } = await writeHealthyBundle(dir);
const SECRETS = [TOKEN, AK, SK, PASSWORD, ...keyLines(fields)];
const CREDENTIALS = join(dir, 'credentials.json');
writeFileSync(CREDENTIALS, JSON.stringify({ ak: AK, sk: SK, project_id: 'p1' }), { mode: 0o600 });
const LEAF = join(dir, 'leaf.pem');
writeFileSync(LEAF, fields['target_mgmt_cert'] ?? '');
const CA = join(dir, 'ca.pem');
writeFileSync(CA, fields['ca_cert'] ?? '');
const spoiled = join(dir, 'spoiled.json');
const key = fields['private_key'] ?? '';
writeFileSync(
  spoiled,
  JSON.stringify({ ...fields, private_key: key.slice(0, key.length / 2), cert: key }),
  { mode: 0o600 },
);

/** Files a command was asked to write secrets to: a saved reply, a bundle, a token. */
const WANTED = /(saved\.json|generated\.json|token\.txt)$/;

/** Every file under a folder, as text. */
function filesUnder(folder: string): [string, string][] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [[path, readFileSync(path, 'utf8')]];
  });
}

/** Fails naming `where` for each secret found in `text`, and for any private key block. */
function scan(t: Test, text: string, where: string): void {
  const found = SECRETS.filter((secret) => text.includes(secret));
  t.same(found.length, 0, `${where}: no token, AK/SK, password or key line`);
  const block = /-----BEGIN [A-Z ]*PRIVATE KEY-----(\\n|\s)*[A-Za-z0-9+/]{16}/;
  t.notMatch(text, block, `${where}: no private key block`);
}

/** Runs a command with debug output on and scans its streams and its report folder. */
async function scanned(t: Test, args: string[], env: Record<string, string> = {}) {
  const out = t.testdir({});
  const result: CliResult = await runCli(
    args.map((arg) => (arg === 'OUT' ? out : arg)),
    { env: { NODE_DEBUG: DEBUG, SMS_AUTH_TOKEN: TOKEN, ...env }, cwd: out, timeoutMs: 120_000 },
  );
  scan(t, result.stdout, 'stdout');
  scan(t, result.stderr, 'stderr');
  for (const [path, text] of filesUnder(out)) if (!WANTED.test(path)) scan(t, text, path);
  t.notMatch(result.stderr, /\n\s+at \S/, 'no stack trace');
  return { ...result, out };
}

const mock = await startMockCli(t, ['--bundle', BUNDLE, '--credentials-file', CREDENTIALS], {
  NODE_DEBUG: DEBUG,
});
const echo = await startMockCli(t, ['--bundle', BUNDLE, '--fault', 'echo-token'], {
  NODE_DEBUG: DEBUG,
});
const cut = await startMockCli(t, ['--bundle', BUNDLE, '--fault', 'invalid-json']);
const iam = await startIamMock({
  user: 'alice',
  domain: 'acme',
  password: PASSWORD,
  project: 'ap-southeast-3',
  token: TOKEN,
});
t.teardown(() => iam.close());

const fetch = ['--task-id', 'task-1', '--endpoint'];
const noToken = { SMS_AUTH_TOKEN: '' };
const CASES: [string, string[], Record<string, string>?][] = [
  ['run --bundle', ['run', '--bundle', BUNDLE, '--out', 'OUT']],
  ['run --bundle --json', ['run', '--bundle', BUNDLE, '--out', 'OUT', '--json', '--verbose']],
  ['run --bundle (spoiled keys)', ['run', '--bundle', spoiled, '--out', 'OUT']],
  ['run --task-id', ['run', ...fetch, mock.url, '--out', 'OUT', '--save-bundle', 'saved.json']],
  [
    'run --task-id with AK/SK',
    ['run', ...fetch, mock.url, '--out', 'OUT', '--credentials-file', CREDENTIALS],
    noToken,
  ],
  [
    'run --task-id, a wrong token',
    ['run', ...fetch, mock.url, '--out', 'OUT'],
    { SMS_AUTH_TOKEN: 'x-wrong' },
  ],
  ['run --task-id --verbose', ['run', ...fetch, mock.url, '--out', 'OUT', '--verbose']],
  [
    'run, the endpoint echoes the token',
    ['run', ...fetch, echo.url, '--out', 'OUT', '--retries', '0'],
  ],
  ['run, a reply cut mid-key', ['run', ...fetch, cut.url, '--out', 'OUT', '--retries', '0']],
  [
    'run, the token pasted as the endpoint',
    ['run', '--task-id', 'task-1', '--endpoint', TOKEN, '--out', 'OUT'],
  ],
  [
    'run --iam-user',
    [
      'run',
      ...fetch,
      mock.url,
      '--out',
      'OUT',
      '--iam-user',
      'alice',
      '--iam-domain',
      'acme',
      '--iam-endpoint',
      iam.url,
      '--iam-project',
      'ap-southeast-3',
    ],
    { ...noToken, HUAWEICLOUD_IAM_PASSWORD: PASSWORD },
  ],
  [
    'run --iam-user, a wrong password',
    [
      'run',
      ...fetch,
      mock.url,
      '--out',
      'OUT',
      '--iam-user',
      'alice',
      '--iam-domain',
      'acme',
      '--iam-endpoint',
      iam.url,
      '--iam-project',
      'ap-southeast-3',
    ],
    { ...noToken, HUAWEICLOUD_IAM_PASSWORD: `${PASSWORD}-wrong` },
  ],
  ['inspect --bundle', ['inspect', '--bundle', BUNDLE]],
  ['inspect --bundle --json', ['inspect', '--bundle', BUNDLE, '--json']],
  ['inspect --task-id', ['inspect', ...fetch, mock.url]],
  ['inspect (spoiled keys)', ['inspect', '--bundle', spoiled]],
  ['export --redacted to stdout', ['export', '--redacted', '--bundle', BUNDLE, '--out', '-']],
  ['export --redacted --task-id', ['export', '--redacted', ...fetch, mock.url, '--out', 'x.json']],
  ['export without --redacted', ['export', '--bundle', BUNDLE, '--out', '-']],
  ['verify', ['verify', '--ca', CA, '--cert', LEAF]],
  ['verify with a key as the CA', ['verify', '--ca', BUNDLE, '--cert', LEAF]],
  [
    'probe a closed port',
    [
      'probe',
      '--bundle',
      BUNDLE,
      '--host',
      '127.0.0.1',
      '--mgmt-port',
      '1',
      '--data-port',
      '2',
      '--timeout',
      '2',
      '--out',
      'OUT',
    ],
  ],
  ['gen --out FILE', ['gen', '--out', 'generated.json']],
  ['gen --list', ['gen', '--list']],
  ['demo', ['demo', '--out', 'OUT']],
  [
    'token --out FILE',
    [
      'token',
      '--iam-endpoint',
      iam.url,
      '--user',
      'alice',
      '--domain',
      'acme',
      '--project',
      'ap-southeast-3',
      '--out',
      'token.txt',
    ],
    { HUAWEICLOUD_IAM_PASSWORD: PASSWORD },
  ],
  [
    'token, a wrong password',
    [
      'token',
      '--iam-endpoint',
      iam.url,
      '--user',
      'alice',
      '--domain',
      'acme',
      '--project',
      'ap-southeast-3',
      '--out',
      'token.txt',
    ],
    { HUAWEICLOUD_IAM_PASSWORD: 'nope' },
  ],
];

for (const [name, args, env] of CASES) {
  t.test(`${name}: nothing secret in any output`, async (t) => {
    const result = await scanned(t, args, env);
    t.not(result.code, null, 'the command ended');
    t.ok([0, 1, 2, 3].includes(result.code ?? -1), `a documented exit code (${result.code})`);
    if (name === 'run --task-id') {
      const mode = statSync(join(result.out, 'saved.json')).mode & 0o777;
      t.equal(mode, 0o600, '--save-bundle writes mode 0600');
    }
  });
}

t.test('the mocks logged no secret either (URLs included)', async (t) => {
  for (const running of [mock, echo, cut]) {
    await running.stop();
    scan(t, running.output().stdout, `${running.url} stdout`);
    scan(t, running.output().stderr, `${running.url} stderr`);
  }
  t.ok(
    iam.requests.every((request) => !request.url.includes(TOKEN)),
    'no token in an IAM URL',
  );
});

t.test('--save-bundle refuses a file others can read, naming it', async (t) => {
  const target = join(mkdtempSync(join(dir, 'shared-')), 'shared.json');
  writeFileSync(target, '{}');
  const { chmodSync } = await import('node:fs');
  chmodSync(target, 0o644);
  const again = await startMockCli(t, ['--bundle', BUNDLE]);
  const result = await scanned(t, [
    'run',
    ...fetch,
    again.url,
    '--out',
    'OUT',
    '--save-bundle',
    target,
  ]);
  t.equal(result.code, 2);
  t.match(result.stderr, /E_OUTPUT_EXISTS: \S*shared\.json already exists and others can read it/);
  t.equal(readFileSync(target, 'utf8'), '{}', 'the file is left as it was');
});

t.test('certkey spawns no process: no child_process anywhere in src/', async (t) => {
  const sources = filesUnder(join(ROOT, 'src')).filter(([path]) => path.endsWith('.ts'));
  t.ok(sources.length > 20, 'the sources were read');
  const spawning = sources.filter(([, text]) => /child_process|\bexecFile\(|\bspawn\(/.test(text));
  t.same(
    spawning.map(([path]) => path),
    [],
    'no module spawns a process (so no secret can reach a process list)',
  );
});
