/**
 * A broken network, fault by fault: `certkey run --task-id` against `certkey mock --fault`,
 * both spawned through the CLI. Every run must end with exit 3, one error line naming what
 * went wrong, reports on disk, no stack and no token or key material anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runCli } from '../helpers/cli.js';
import {
  TOKEN,
  assertCleanError,
  assertNoSecrets,
  keyLines,
  startMockCli,
  writeHealthyBundle,
} from './mock-cli.js';

const dir = t.testdir({});
const { path: BUNDLE, fields } = await writeHealthyBundle(dir);
const SECRETS = [TOKEN, ...keyLines(fields)];
const help = await runCli(['run', '--help']);
const RETRIES = help.stdout.includes('--retries');
t.jobs = 3;
t.setTimeout(600_000);

/** Every file under a folder, as text. */
function filesUnder(folder: string): Map<string, string> {
  const found = new Map<string, string>();
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) for (const [p, text] of filesUnder(path)) found.set(p, text);
    else found.set(path, readFileSync(path, 'utf8'));
  }
  return found;
}

/** Runs `certkey run` against a mock URL; extra flags after the defaults. */
async function runAgainst(t: Test, url: string, extra: string[] = []) {
  const out = t.testdir({});
  const retries = RETRIES && !extra.includes('--retries') ? ['--retries', '0'] : [];
  const args = ['run', '--task-id', 'task-1', '--endpoint', url, '--timeout', '1', '--out', out];
  const result = await runCli([...args, ...retries, ...extra], {
    env: { SMS_AUTH_TOKEN: TOKEN, NODE_DEBUG: 'certkey' },
    timeoutMs: 90_000,
  });
  const reports = filesUnder(out);
  assertNoSecrets(t, result.stdout, SECRETS, 'stdout');
  assertNoSecrets(t, result.stderr, SECRETS, 'stderr');
  for (const [path, text] of reports) assertNoSecrets(t, text, SECRETS, path);
  return { ...result, reports };
}

/** Mock requests seen, from the mock's debug log. */
function requestsSeen(stderr: string): number {
  return stderr.split('\n').filter((line) => /mock: GET \/v3\/tasks\//.test(line)).length;
}

const FAILING: [string, RegExp][] = [
  ['slow-headers', /E_FETCH_TIMEOUT: 127\.0\.0\.1:\d+ sent no reply within 1 s/],
  ['trickle-body', /E_FETCH_TIMEOUT: .*127\.0\.0\.1:\d+/],
  ['drop-mid-body', /E_FETCH_NETWORK: 127\.0\.0\.1:\d+ closed the connection/],
  ['reset', /E_FETCH_NETWORK: 127\.0\.0\.1:\d+ closed the connection/],
  ['429', /E_FETCH_HTTP: GET \S+ returned 429 Too Many Requests: APIGW\.0308/],
  ['500-burst:1000', /E_FETCH_HTTP: GET \S+ returned 500 Internal Server Error: SMS\.2007/],
  ['503-burst:1000', /E_FETCH_HTTP: GET \S+ returned 503 Service Unavailable/],
  ['html-error', /E_FETCH_HTTP: .*502 Bad Gateway: a text\/html reply, not the service's JSON/],
  ['wrong-content-type', /E_FETCH_BODY: the 200 reply .* is not JSON \(content type text\/html\)/],
  ['invalid-json', /E_FETCH_BODY: the 200 reply .* is not JSON \(content type application\/json\)/],
  ['oversize-body', /E_FETCH_BODY: the reply from .* is over 8388608 bytes/],
  ['echo-token', /E_FETCH_HTTP: .*401 Unauthorized: APIGW\.0301: .*\[token removed\]/],
];

for (const [fault, message] of FAILING) {
  t.test(`--fault ${fault}: exit 3 with a clear message`, async (t) => {
    const mock = await startMockCli(t, ['--bundle', BUNDLE, '--fault', fault], {
      NODE_DEBUG: 'certkey',
    });
    const result = await runAgainst(t, mock.url);

    t.equal(result.code, 3, 'exit 3: the bundle could not be fetched');
    assertCleanError(t, result.stderr, message);
    t.ok(result.reports.size > 0, 'the reports are still written');
    const json = [...result.reports].find(([path]) => path.endsWith('.json'))?.[1] ?? '';
    t.match(json, /E_FETCH_/, 'the JSON report names the error');

    await mock.stop();
    assertNoSecrets(t, mock.output().stderr, SECRETS, 'the mock log');
  });
}

t.test('429 with Retry-After: waited for, then reported', async (t) => {
  const mock = await startMockCli(t, ['--bundle', BUNDLE, '--fault', '429:1'], {
    NODE_DEBUG: 'certkey',
  });
  const result = await runAgainst(t, mock.url, RETRIES ? ['--retries', '1'] : []);

  t.equal(result.code, 3);
  assertCleanError(t, result.stderr, /returned 429 Too Many Requests/);
  await mock.stop();
  t.equal(requestsSeen(mock.output().stderr), RETRIES ? 2 : 1, 'one retry when retries exist');
});

t.test('a 503 burst shorter than the retries is ridden out', async (t) => {
  const mock = await startMockCli(t, ['--bundle', BUNDLE, '--fault', '503-burst:1'], {
    NODE_DEBUG: 'certkey',
  });
  const result = await runAgainst(t, mock.url, RETRIES ? ['--retries', '2'] : []);
  await mock.stop();

  if (RETRIES) {
    t.not(result.code, 3, 'fetched on the second try');
    t.equal(requestsSeen(mock.output().stderr), 2);
  } else {
    t.equal(result.code, 3, 'without retries the first 503 is final');
    assertCleanError(t, result.stderr, /503 Service Unavailable/);
  }
});

t.test('a redirect to another host: the token never follows', async (t) => {
  const seen: IncomingHttpHeaders[] = [];
  const other = createServer((req, res) => {
    seen.push(req.headers);
    res.end('{}');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    other.closeAllConnections();
    other.close();
  });
  const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;

  const mock = await startMockCli(t, ['--bundle', BUNDLE, '--fault', `redirect:${target}`]);
  const result = await runAgainst(t, mock.url);

  t.equal(result.code, 3);
  assertCleanError(t, result.stderr, /returned 307 Temporary Redirect: a redirect to http:/);
  t.match(result.stderr, /does not follow redirects/);
  t.equal(seen.length, 0, 'the other host received no request at all');
});

t.test('an unknown fault is a usage error naming it', async (t) => {
  const result = await runCli(['mock', '--token', TOKEN, '--bundle', BUNDLE, '--fault', 'nope']);
  t.equal(result.code, 2);
  assertCleanError(t, result.stderr, /E_USAGE: --fault "nope" is not a fault/);
  t.equal(result.stdout, '', 'no URL: the mock did not start');
});

t.test('a fault with a bad argument is a usage error', async (t) => {
  const result = await runCli(['mock', '--token', TOKEN, '--bundle', BUNDLE, '--fault', '429:x']);
  t.equal(result.code, 2);
  assertCleanError(t, result.stderr, /E_USAGE: --fault 429: "x" is not a whole number/);
});
