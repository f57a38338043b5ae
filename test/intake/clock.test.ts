import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import t, { type Test } from 'tap';
import { CertkeyError, EXIT } from '../../src/errors.js';
import { fetchBundle, type FetchRequest } from '../../src/intake/fetch.js';
import {
  MAX_CLOCK_SKEW_SECONDS,
  clockSkewSeconds,
  describeSkew,
  formatDuration,
  skewNote,
} from '../../src/intake/fetch-clock.js';
import type { AkSkCredentials } from '../../src/intake/sign.js';
import { startMock, type MockHook, type MockServer } from '../../src/mock/server.js';
import { runCli } from '../helpers/cli.js';
import { CLI } from '../helpers/paths.js';
import { TOKEN, sampleReply } from './fixtures.js';

const TASK = 'task-clock';
const AKSK: AkSkCredentials = { ak: 'AKCLOCKTEST0001', sk: 'sk-clock-secret-5c1d7e9a' };

/** A mock whose Date header is `offsetSeconds` from this machine's clock. */
async function skewedMock(t: Test, offsetSeconds: number, extra?: MockHook): Promise<MockServer> {
  const server = await startMock({
    token: TOKEN,
    aksk: AKSK,
    bundles: (id) => (id === TASK ? sampleReply() : undefined),
    intercept: (exchange) => {
      const date = new Date(Date.now() + offsetSeconds * 1000);
      exchange.res.setHeader('Date', date.toUTCString());
      return extra ? extra(exchange) : false;
    },
  });
  t.teardown(() => server.close());
  return server;
}

function requestTo(endpoint: string, extra: Partial<FetchRequest> = {}): FetchRequest {
  return {
    endpoint,
    taskId: TASK,
    token: TOKEN,
    timeoutMs: 20_000,
    userAgent: 'certkey/test',
    network: { env: {} },
    ...extra,
  };
}

t.test('the skew is read from the Date header', async (t) => {
  const at = Date.parse('2026-12-03T10:00:00Z');
  t.equal(clockSkewSeconds('Thu, 03 Dec 2026 10:07:12 GMT', at), 432);
  t.equal(clockSkewSeconds('Thu, 03 Dec 2026 09:59:00 GMT', at), -60);
  t.equal(clockSkewSeconds(undefined, at), undefined);
  t.equal(clockSkewSeconds('yesterday-ish', at), undefined);
  t.equal(formatDuration(432), '7 min 12 s');
  t.equal(formatDuration(-7300), '2 h 1 min');
  t.match(describeSkew(432), /7 min 12 s behind the service's/);
  t.match(describeSkew(-432), /7 min 12 s ahead of the service's/);
  t.equal(skewNote(MAX_CLOCK_SKEW_SECONDS, 'h'), undefined, 'five minutes exactly: no note');
  t.match(skewNote(MAX_CLOCK_SKEW_SECONDS + 1, 'h') ?? '', /AK\/SK .* expiry verdicts/);
});

t.test('a service clock ten minutes ahead: warning and note', async (t) => {
  const server = await skewedMock(t, 600);
  const warnings: string[] = [];
  const fetched = await fetchBundle(requestTo(server.url, { warn: (line) => warnings.push(line) }));
  t.ok(Math.abs((fetched.clockSkewSeconds ?? 0) - 600) <= 5, 'about 600 s');
  t.equal(warnings.length, 1);
  t.match(warnings[0], /^certkey: warning: this machine's clock is \d+ min \d+ s behind/);
  t.match(fetched.raw.notes?.join('\n') ?? '', /clock is \d+ min \d+ s behind .*NTP/);
});

t.test('a service clock an hour behind is reported the other way', async (t) => {
  const server = await skewedMock(t, -3600);
  const warnings: string[] = [];
  const fetched = await fetchBundle(requestTo(server.url, { warn: (line) => warnings.push(line) }));
  t.match(warnings[0], /ahead of the service's/);
  t.ok((fetched.clockSkewSeconds ?? 0) < -3500);
});

t.test('clocks within five minutes: no warning, no note', async (t) => {
  const server = await skewedMock(t, 60);
  const warnings: string[] = [];
  const fetched = await fetchBundle(requestTo(server.url, { warn: (line) => warnings.push(line) }));
  t.same(warnings, []);
  t.notMatch(fetched.raw.notes?.join('\n') ?? '', /clock/);
  t.type(fetched.clockSkewSeconds, 'number');
});

t.test('a signed request refused with 401 points at the clock or the key pair', async (t) => {
  const server = await skewedMock(t, 0);
  const { token: _token, ...signed } = requestTo(server.url, {
    credentials: { ...AKSK, sk: 'not-the-sk' },
  });
  const error = await fetchBundle(signed).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CertkeyError)) throw new Error('expected a CertkeyError');
  t.match(error.message, /401 Unauthorized: APIGW\.0301/);
  t.match(error.remedy, /AK and SK are one current pair/);
  t.match(error.remedy, /clock/);
  t.notMatch(error.remedy, /IAM token|X-Subject-Token/);
  t.notMatch(error.message + error.remedy, /sk-clock-secret|not-the-sk/);
});

t.test('an expired signature (APIGW.0303) names the measured skew', async (t) => {
  const expired: MockHook = ({ res }) => {
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error_code: 'APIGW.0303', error_msg: 'signature expired' }));
    return true;
  };
  const server = await skewedMock(t, 1200, expired);
  const { token: _token, ...signed } = requestTo(server.url, { credentials: AKSK });
  const error = await fetchBundle(signed).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CertkeyError)) throw new Error('expected a CertkeyError');
  t.match(error.remedy, /set this machine's clock right/);
  t.match(error.remedy, /clock is (19|20) min \d+ s behind the service's/);
  t.notMatch(error.remedy, /AK and SK are one/);
});

t.test('a token request refused with 401 still speaks of the token', async (t) => {
  const server = await skewedMock(t, 0);
  const error = await fetchBundle(requestTo(server.url, { token: 'tok-wrong-wrong' })).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  t.match(error, { code: 'E_FETCH_HTTP', remedy: /token is expired or wrong/ });
});

t.test('certkey run: the warning on stderr and the note in the JSON report', async (t) => {
  const server = await skewedMock(t, 900);
  const result = await runCli(
    ['run', '--task-id', TASK, '--endpoint', server.url, '--json', '--out', 'reports'],
    { env: { SMS_AUTH_TOKEN: TOKEN, HTTPS_PROXY: '', HTTP_PROXY: '' }, cwd: t.testdir() },
  );
  t.match(result.stderr, /certkey: warning: this machine's clock is 1[45] min \d+ s behind/);
  const report = JSON.parse(result.stdout) as { tasks: { notes?: string[] }[] };
  t.match(report.tasks[0]?.notes?.join('\n') ?? '', /clock is 1[45] min \d+ s behind/);
});

t.test('certkey mock --credentials-file judges AK/SK-signed requests', async (t) => {
  const dir = t.testdir({
    'bundle.json': JSON.stringify(sampleReply()),
    'good.json': JSON.stringify({ ak: 'AKMOCKTEST000001', sk: 'sk-mock-secret-a1b2c3d4' }),
    'bad.json': JSON.stringify({ ak: 'AKMOCKTEST000001', sk: 'sk-wrong-secret-e5f6' }),
  });
  for (const name of ['good.json', 'bad.json']) chmodSync(`${dir}/${name}`, 0o600);

  const child = spawn(
    process.execPath,
    [
      CLI,
      'mock',
      '--bundle',
      `${dir}/bundle.json`,
      '--token',
      TOKEN,
      '--credentials-file',
      `${dir}/good.json`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(() => {
    child.kill('SIGTERM');
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.on('exit', (code) => reject(new Error(`mock exited ${code}`)));
  });
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

  const args = ['run', '--task-id', TASK, '--endpoint', url, '--credentials-file'];
  const env = { HTTPS_PROXY: '', HTTP_PROXY: '', SMS_AUTH_TOKEN: '' };
  const good = await runCli([...args, `${dir}/good.json`], { env, cwd: dir });
  t.equal(good.code, EXIT.checkFailed, good.stderr);

  const bad = await runCli([...args, `${dir}/bad.json`], { env, cwd: dir });
  t.equal(bad.code, EXIT.fetch);
  t.match(bad.stderr, /401 Unauthorized: APIGW\.0301/);
  t.match(bad.stderr, /remedy: .*AK and SK are one current pair.*clock/);
  t.notMatch(bad.stderr, /IAM token/);
  t.notMatch(good.stderr + bad.stderr, /sk-mock-secret|sk-wrong-secret/);
});
