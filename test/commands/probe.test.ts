import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { closedPort, tlsTarget } from '../probe/targets.js';

const ANSI = /\u001b\[\d+m/;
const bundle = await generateBundle();
// Another task's bundle: EC keys, so that it shares no key with `bundle`.
const foreign = await generateBundle({ defect: 'ec-pkcs8-keys' });

interface Report {
  checks: { suite: string; subject: string; name: string; status: string; message: string }[];
}

/** A folder with the bundle saved in it, removed afterwards. */
async function setup(t: Test): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'certkey-probe-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'bundle.json');
  await writeFile(path, JSON.stringify(bundle), { mode: 0o600 });
  return { dir, path };
}

/** `certkey probe` against 127.0.0.1 with the given ports. */
function probe(
  path: string,
  dir: string,
  ports: [number, number],
  extra: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const args = ['probe', '--bundle', path, '--host', '127.0.0.1'];
  args.push('--mgmt-port', String(ports[0]), '--data-port', String(ports[1]));
  args.push('--out', join(dir, 'reports'), '--timeout', '20', ...extra);
  return runCli(args, { env, timeoutMs: 120_000 });
}

/** No private key, whole or one line of it, in what the run printed or wrote. */
async function noKeys(t: Test, result: CliResult, dir: string): Promise<void> {
  const reports = await Promise.all(
    ['preflight.tap', 'preflight.junit.xml', 'preflight.json'].map((name) =>
      readFile(join(dir, 'reports', name), 'utf8'),
    ),
  );
  const everything = [result.stdout, result.stderr, ...reports].join('\n');
  t.notMatch(everything, /PRIVATE KEY/, 'no PRIVATE KEY anywhere');
  const lines = (bundle.private_key as string)
    .split('\n')
    .filter((line) => line.length >= 16 && /^[A-Za-z0-9+/=]+$/.test(line));
  t.notOk(
    lines.some((line) => everything.includes(line)),
    'no line of the key anywhere',
  );
}

function statuses(report: Report, subject: string): Record<string, string> {
  const mine = report.checks.filter((check) => check.subject === subject);
  return Object.fromEntries(mine.map((check) => [check.name, check.status]));
}

t.test('the right certificates on both ports: ready, exit 0, reports', async (t) => {
  const { dir, path } = await setup(t);
  const mgmt = await tlsTarget(t, { bundle });
  const data = await tlsTarget(t, { bundle, field: 'target_data_cert' });

  const result = await probe(path, dir, [mgmt, data]);
  t.equal(result.code, 0, result.stdout + result.stderr);
  t.equal(result.stderr, '');
  const out = result.stdout;
  t.match(out, new RegExp(`^target_mgmt_cert  127\\.0\\.0\\.1:${mgmt}$`, 'm'));
  t.match(out, /\[ok\] +reachable +127\.0\.0\.1:\d+ accepts TCP connections \(\d+ ms\)/);
  t.match(out, /\[ok\] +tls +TLSv1\.3, TLS_\w+, handshake \d+ ms/);
  t.match(
    out,
    /\[ok\] +certificate +127\.0\.0\.1:\d+ presents target_mgmt_cert \(CN=sms-target-mgmt/,
  );
  t.match(
    out,
    /\[ok\] +client-cert +127\.0\.0\.1:\d+ asks for a client certificate and accepts cert/,
  );
  t.match(out, /\[ok\] +refuses-no-cert +127\.0\.0\.1:\d+ refuses a client without a certificate/);
  t.match(
    out,
    /diagnosis: 127\.0\.0\.1:\d+ is ready for the SMS Agent: it presents target_data_cert/,
  );
  t.match(out, /^certkey: PASS: 14 passed, 0 failed, 0 warnings, 0 skipped$/m);
  t.notMatch(out, ANSI, 'no colours when piped');

  const report = JSON.parse(
    await readFile(join(dir, 'reports', 'preflight.json'), 'utf8'),
  ) as Report;
  t.same(new Set(report.checks.map((check) => check.suite)), new Set(['probe']));
  t.same(statuses(report, 'target_data_cert'), {
    reachable: 'pass',
    tls: 'pass',
    certificate: 'pass',
    'server-verify': 'pass',
    'client-cert': 'pass',
    'refuses-no-cert': 'pass',
    diagnosis: 'pass',
  });
  const junit = await readFile(join(dir, 'reports', 'preflight.junit.xml'), 'utf8');
  t.match(junit, /<testsuite name="probe" tests="14" failures="0"/);
  const tap = await readFile(join(dir, 'reports', 'preflight.tap'), 'utf8');
  t.match(tap, /# Subtest: probe/);
  await noKeys(t, result, dir);
});

t.test("another task's certificate, and no client certificate asked: exit 1", async (t) => {
  const { dir, path } = await setup(t);
  const mgmt = await tlsTarget(t, { bundle: foreign });
  const data = await tlsTarget(t, { bundle, field: 'target_data_cert', auth: 'none' });

  const result = await probe(path, dir, [mgmt, data], ['--json']);
  t.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout) as Report;
  t.match(statuses(report, 'target_mgmt_cert'), {
    reachable: 'pass',
    tls: 'pass',
    certificate: 'fail',
    'client-cert': 'fail',
    'refuses-no-cert': 'pass',
    diagnosis: 'fail',
  });
  const find = (subject: string, name: string) =>
    report.checks.find((check) => check.subject === subject && check.name === name);
  t.match(
    find('target_mgmt_cert', 'certificate')?.message,
    /presents CN=sms-target-mgmt issued by CN=SMS CA, SHA-256 [0-9A-F:]+, not target_mgmt_cert/,
  );
  t.match(
    find('target_mgmt_cert', 'client-cert')?.message,
    /asks for a client certificate and refuses cert/,
  );
  t.match(statuses(report, 'target_data_cert'), {
    certificate: 'pass',
    'client-cert': 'fail',
    'refuses-no-cert': 'skip',
    diagnosis: 'fail',
  });
  t.match(
    find('target_data_cert', 'client-cert')?.message,
    /does not ask for a client certificate/,
  );
  t.match(find('target_data_cert', 'diagnosis')?.message, /does not ask for a client certificate/);
  t.match(
    find('target_mgmt_cert', 'diagnosis')?.message,
    new RegExp(
      '^127\\.0\\.0\\.1:\\d+ presents another certificate than target_mgmt_cert of this ' +
        'bundle \\(and 2 more: server-verify, client-cert\\)$',
    ),
  );
  await noKeys(t, result, dir);
});

t.test('nothing listening: refused and named, the rest skipped', async (t) => {
  const { dir, path } = await setup(t);
  const closed = await closedPort();
  const mgmt = await tlsTarget(t, { bundle, auth: 'optional' });

  const result = await probe(path, dir, [mgmt, closed]);
  t.equal(result.code, 1);
  t.match(
    result.stdout,
    new RegExp(
      `\\[FAIL\\] reachable +127\\.0\\.0\\.1:${closed} is not reachable: ` +
        'connection refused: nothing listens on the port \\(ECONNREFUSED\\)',
    ),
  );
  t.match(result.stdout, /\[skip\] tls +skipped: 127\.0\.0\.1:\d+ is not reachable/);
  t.match(result.stdout, /do: start the SMS Agent on the target/);
  t.match(
    result.stdout,
    /\[WARN\] refuses-no-cert +127\.0\.0\.1:\d+ accepts a client without a certificate/,
  );
  t.match(result.stdout, /^certkey: FAIL: /m);
});

t.test('colours: on with FORCE_COLOR, off with NO_COLOR', async (t) => {
  const { dir, path } = await setup(t);
  const closed = await closedPort();
  const forced = await probe(path, dir, [closed, closed], [], {
    NO_COLOR: undefined,
    FORCE_COLOR: '1',
  });
  t.match(forced.stdout, ANSI);
  const plain = await probe(path, dir, [closed, closed], [], { NO_COLOR: '1', FORCE_COLOR: '1' });
  t.notMatch(plain.stdout, ANSI);
  t.equal(plain.code, 1);
});

t.test('usage and input errors: exit 2, naming the flag or field', async (t) => {
  const { dir, path } = await setup(t);
  const cases: [string[], RegExp][] = [
    [['probe', '--bundle', path], /E_USAGE: --host is needed/],
    [['probe', '--host', '127.0.0.1'], /E_USAGE: --bundle is needed/],
    [
      ['probe', '--bundle', path, '--host', 'http://10.0.0.5:8899'],
      /--host "http:\/\/10\.0\.0\.5:8899" is not an IP address or host name/,
    ],
    [
      ['probe', '--bundle', path, '--host', '127.0.0.1', '--mgmt-port', '70000'],
      /--mgmt-port "70000" is not a port number/,
    ],
    [
      ['probe', '--bundle', path, '--host', '127.0.0.1', '--mgmt-port', 'abc'],
      /^certkey: E_USAGE: --mgmt-port "abc" is not a number\n/,
    ],
    [
      ['probe', '--bundle', path, '--host', '127.0.0.1', '--timeout', '0'],
      /--timeout must be a number of seconds from 1 to 3600/,
    ],
    [
      ['probe', '--bundle', join(dir, 'none.json'), '--host', '127.0.0.1'],
      /E_INPUT_READ: cannot read .*none\.json/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, message, args.join(' '));
    t.equal(result.stdout, '');
  }

  const redacted = join(dir, 'redacted.json');
  await runCli(['export', '--redacted', '--bundle', path, '--out', redacted]);
  const noKey = await runCli(['probe', '--bundle', redacted, '--host', '127.0.0.1']);
  t.equal(noKey.code, 2);
  t.match(
    noKey.stderr,
    /E_INPUT_SHAPE: .*redacted\.json is a redacted export: private_key holds a public key only/,
  );

  const broken = join(dir, 'broken.json');
  await writeFile(broken, JSON.stringify({ ...bundle, private_key: 'not a key' }));
  const bad = await runCli(['probe', '--bundle', broken, '--host', '127.0.0.1']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /probing needs private_key, which did not parse: private_key is not PEM/);
  t.notMatch(bad.stderr, /PRIVATE KEY/);
});
