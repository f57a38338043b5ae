import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { CertkeyError } from '../../src/errors.js';
import { loadCredentials, readCredentials } from '../../src/intake/credentials.js';
import { startMock } from '../../src/mock/server.js';
import { runCli } from '../helpers/cli.js';

const AK = 'HPUAEXAMPLEAK0000001';
const SK = 'Ex4mpleSecretKeyThatMustNeverBePrinted00';

/** A folder for one test's files, removed afterwards. */
async function folder(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certkey-credentials-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a file with mode 0600 unless told otherwise. */
async function file(dir: string, name: string, text: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

/** The error a promise rejects with, checked to be a CertkeyError without the SK. */
async function failure(t: Test, promise: Promise<unknown>): Promise<CertkeyError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof CertkeyError)) throw new Error(`expected a CertkeyError, got ${error}`);
  t.notMatch(`${error.message} ${error.remedy}`, SK, 'the SK is not in the message');
  return error;
}

t.test('the SDK variables', async (t) => {
  const env = {
    HUAWEICLOUD_SDK_AK: ` ${AK}\n`,
    HUAWEICLOUD_SDK_SK: SK,
    HUAWEICLOUD_SDK_PROJECT_ID: 'project-1',
    HUAWEICLOUD_SDK_SECURITY_TOKEN: 'session+token/=',
  };
  t.same(await readCredentials({ env }), {
    ak: AK,
    sk: SK,
    projectId: 'project-1',
    securityToken: 'session+token/=',
  });
  t.same(await readCredentials({ env: { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK } }), {
    ak: AK,
    sk: SK,
  });
});

t.test('nothing set: none, and loadCredentials says what to set', async (t) => {
  t.equal(await readCredentials({ env: {} }), undefined);
  t.equal(await readCredentials({ env: { HUAWEICLOUD_SDK_AK: '  ' } }), undefined);

  const error = await failure(t, loadCredentials({ env: {} }));
  t.equal(error.code, 'E_CONFIG');
  t.match(error.message, /HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set/);
  t.match(error.remedy, /--credentials-file/);
});

t.test('half a pair names the missing variable', async (t) => {
  const noSk = await failure(t, readCredentials({ env: { HUAWEICLOUD_SDK_AK: AK } }));
  t.match(noSk, { code: 'E_CONFIG', message: /HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK/ });

  const noAk = await failure(t, readCredentials({ env: { HUAWEICLOUD_SDK_SK: SK } }));
  t.match(noAk.message, /HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not/);
});

t.test('an SK with a space inside names the variable, not the value', async (t) => {
  const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: `${SK} ${SK}` };
  const error = await failure(t, readCredentials({ env }));
  t.match(error.message, /HUAWEICLOUD_SDK_SK holds spaces/);
});

t.test('a JSON file, with the project id from the environment when it has none', async (t) => {
  const dir = await folder(t);
  const path = await file(dir, 'keys.json', JSON.stringify({ ak: AK, sk: SK }));
  const env = { HUAWEICLOUD_SDK_PROJECT_ID: 'from-env', HUAWEICLOUD_SDK_SECURITY_TOKEN: 'x' };
  t.same(await readCredentials({ file: path, env }), { ak: AK, sk: SK, projectId: 'from-env' });

  const full = JSON.stringify({ ak: AK, sk: SK, project_id: 'p', security_token: 'tok' });
  const fullPath = await file(dir, 'full.json', full);
  t.same(await readCredentials({ file: fullPath, env }), {
    ak: AK,
    sk: SK,
    projectId: 'p',
    securityToken: 'tok',
  });
});

t.test('the file wins over the variables', async (t) => {
  const dir = await folder(t);
  const path = await file(dir, 'keys.json', JSON.stringify({ ak: AK, sk: SK }));
  const env = { HUAWEICLOUD_SDK_AK: 'OTHER', HUAWEICLOUD_SDK_SK: 'other' };
  t.match(await readCredentials({ file: path, env }), { ak: AK, sk: SK });
});

t.test("the console's credentials.csv: BOM, CRLF and quotes", async (t) => {
  const dir = await folder(t);
  const csv = `\uFEFFUser Name,Access Key Id,Secret Access Key\r\n"mig,user",${AK},"${SK}"\r\n`;
  const path = await file(dir, 'credentials.csv', csv);
  t.same(await readCredentials({ file: path, env: {} }), { ak: AK, sk: SK });

  const reordered = await file(dir, 'r.csv', `Secret Access Key,Access Key Id\n${SK},${AK}\n`);
  t.same(await readCredentials({ file: reordered, env: {} }), { ak: AK, sk: SK });
});

t.test('malformed files are named, their content is not shown', async (t) => {
  const dir = await folder(t);
  const cases: [string, string, RegExp][] = [
    ['broken.json', `{"ak": "${AK}", "sk": "${SK}"`, /broken\.json is not valid JSON/],
    ['array.json', `[{"sk": "${SK}"}]`, /array\.json is not a JSON object/],
    ['nosk.json', `{"ak": "${AK}"}`, /nosk\.json has no "sk"/],
    ['num.json', `{"ak": "${AK}", "sk": 5}`, /num\.json has an empty or non-string "sk"/],
    ['spaced.json', `{"ak": "${AK}", "sk": "${SK} x"}`, /"sk" in .*spaced\.json holds spaces/],
    ['plain.csv', `${AK},${SK}\n`, /plain\.csv has no "Access Key Id" and "Secret Access Key"/],
    ['two.csv', `Access Key Id,Secret Access Key\n${AK},${SK}\n${AK},${SK}\n`, /holds 2 lines/],
    ['blank.csv', `Access Key Id,Secret Access Key\n${AK},\n`, /empty Secret Access Key/],
  ];
  for (const [name, text, message] of cases) {
    const path = await file(dir, name, text);
    const error = await failure(t, readCredentials({ file: path, env: {} }));
    t.equal(error.code, 'E_CONFIG', name);
    t.match(error.message, message, name);
  }
});

t.test('a missing file or a directory is E_CONFIG naming the path', async (t) => {
  const dir = await folder(t);
  const missing = await failure(t, readCredentials({ file: join(dir, 'nope.json') }));
  t.match(missing, { code: 'E_CONFIG', message: /nope\.json: no such file/ });
  t.match(missing.remedy, /--credentials-file/);

  const isDir = await failure(t, readCredentials({ file: dir }));
  t.match(isDir.message, /not a regular file/);
});

t.test(
  'a file others can read gets a warning, not a refusal',
  { skip: process.platform === 'win32' && 'POSIX modes only' },
  async (t) => {
    const dir = await folder(t);
    const open = await file(dir, 'open.json', JSON.stringify({ ak: AK, sk: SK }), 0o644);
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);

    t.match(await readCredentials({ file: open, env: {}, warn }), { ak: AK });
    t.equal(warnings.length, 1);
    t.match(warnings[0], /open\.json is readable by group or others \(mode 0644\): run chmod 600/);
    t.notMatch(warnings.join(''), SK);

    const closed = await file(dir, 'closed.json', JSON.stringify({ ak: AK, sk: SK }), 0o600);
    await readCredentials({ file: closed, env: {}, warn });
    t.equal(warnings.length, 1, 'no warning for mode 0600');
  },
);

t.test('run --task-id signs with --credentials-file or the SDK variables', async (t) => {
  const keys = { ak: AK, sk: SK };
  const seen: string[] = [];
  const mock = await startMock({
    token: 'a-token-nobody-sends',
    aksk: keys,
    bundles: () => ({ cert: 'not a PEM' }),
    intercept: ({ req }) => {
      seen.push(String(req.headers['authorization'] ?? 'none'));
      return false;
    },
  });
  t.teardown(() => mock.close());
  const dir = await folder(t);
  const run = (extra: string[], env: Record<string, string | undefined>) =>
    runCli(['run', '--task-id', 'task-1', '--endpoint', mock.url, '--out', dir, ...extra], {
      env: { SMS_AUTH_TOKEN: undefined, HUAWEICLOUD_SDK_AK: undefined, ...env },
      timeoutMs: 120_000,
    });

  const path = await file(dir, 'keys.json', JSON.stringify(keys));
  const fromFile = await run(['--credentials-file', path], {});
  t.equal(fromFile.code, 1, 'fetched and checked: the bundle fails its checks');
  t.notMatch(fromFile.stderr, /E_FETCH|E_CONFIG/);
  t.match(
    seen.at(-1),
    /^SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date,/,
  );

  const fromEnv = await run([], { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK });
  t.equal(fromEnv.code, 1);
  t.equal(seen.length, 2);

  const wrong = await run([], { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: `${SK}x` });
  t.equal(wrong.code, 3);
  t.match(wrong.stderr, /E_FETCH_HTTP: .*401.*APIGW\.0301/);
  for (const result of [fromFile, fromEnv, wrong]) {
    t.notMatch(result.stdout + result.stderr, SK, 'no SK printed');
  }
});
