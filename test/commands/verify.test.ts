/**
 * `certkey verify` through the built CLI: the summary and exit 0 for a sound chain, a FAIL
 * line with its remedy and exit 1 for each kind of fault, `--json`, and exit 2 with one
 * error naming the file for input that cannot be read. Run `npm run build` first.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { keyToPem, makeCert, makeKey } from '../../src/gen/pki.js';
import type { Check } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';

t.setTimeout(300_000);

const dir = await mkdtemp(join(tmpdir(), 'certkey-verify-cli-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const file = (name: string) => join(dir, name);

const [rootKey, intKey, leafKey] = await Promise.all([makeKey(), makeKey(), makeKey()]);
const root = await makeCert({ subject: 'CN=CLI Root', key: rootKey, ca: true });
const int = await makeCert({ subject: 'CN=CLI Int', key: intKey, ca: true, issuer: root });
const server = await makeCert({
  subject: 'CN=server',
  key: leafKey,
  issuer: int,
  extKeyUsage: ['serverAuth'],
});
const noSign = await makeCert({
  subject: 'CN=no-sign',
  key: leafKey,
  issuer: root,
  keyUsage: ['keyEncipherment'],
});
const keyPem = keyToPem(leafKey, 'pkcs8');

await writeFile(file('root.pem'), root.pem);
await writeFile(file('int.pem'), int.pem);
await writeFile(file('server.pem'), server.pem);
await writeFile(file('chain.pem'), server.pem + int.pem);
await writeFile(file('no-sign.pem'), noSign.pem);
await writeFile(file('not-pem.txt'), 'hello, not a certificate\n');
await writeFile(file('leaf.key'), keyPem, { mode: 0o600 });

const verify = (...args: string[]) => runCli(['verify', ...args], { timeoutMs: 120_000 });
const base = ['--ca', file('root.pem'), '--untrusted', file('int.pem')];

t.test('a sound chain passes with exit 0', async (t) => {
  const result = await verify(...base, '--cert', file('server.pem'));
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^certkey: PASS: \d+ passed, 0 failed/m);
  t.equal(result.stderr, '');
});

t.test('certificates after the leaf in --cert count as intermediates', async (t) => {
  const result = await verify('--ca', file('root.pem'), '--cert', file('chain.pem'));
  t.equal(result.code, 0, result.stdout);
});

t.test('a missing intermediate fails the path with a remedy', async (t) => {
  const result = await verify('--ca', file('root.pem'), '--cert', file('server.pem'));
  t.equal(result.code, 1);
  t.match(result.stdout, /^FAIL  chain\/target_mgmt_cert: .*CN=CLI Int/m);
  t.match(result.stdout, /^ {6}remedy: /m);
  t.match(result.stdout, /^certkey: FAIL: /m);
});

t.test('the purpose is judged: a serverAuth-only leaf is no client', async (t) => {
  const result = await verify(...base, '--cert', file('server.pem'), '--purpose', 'client');
  t.equal(result.code, 1);
  t.match(result.stdout, /FAIL  usage\/cert: .*lacks clientAuth/);
});

t.test('keyUsage without digitalSignature fails', async (t) => {
  const result = await verify('--ca', file('root.pem'), '--cert', file('no-sign.pem'));
  t.equal(result.code, 1);
  t.match(result.stdout, /FAIL  usage\/target_mgmt_cert: .*without digitalSignature/);
});

t.test('a root sent as untrusted is not a trust anchor', async (t) => {
  const args = ['--ca', file('int.pem'), '--untrusted', file('root.pem')];
  const result = await verify(...args, '--cert', file('server.pem'));
  t.equal(result.code, 1);
  t.match(result.stdout, /FAIL  chain\/ca: .*CN=CLI Root.*not --ca/);
});

t.test('--at after the leaf expires fails expiry; --json carries the checks', async (t) => {
  const result = await verify(
    ...base,
    '--cert',
    file('server.pem'),
    '--at',
    '2040-01-01',
    '--json',
  );
  t.equal(result.code, 1);
  const report = JSON.parse(result.stdout) as {
    checks: Check[];
    summary: { verdict: string };
    environment: { openssl: string; securityLevel?: number };
    options: { at: string };
  };
  t.equal(report.summary.verdict, 'fail');
  t.equal(report.options.at, '2040-01-01T00:00:00.000Z');
  t.equal(report.environment.openssl, process.versions.openssl);
  t.type(report.environment.securityLevel, 'number');
  const validity = report.checks.find((c) => c.suite === 'expiry' && c.name === 'validity');
  t.equal(validity?.status, 'fail');
  t.notOk(
    report.checks.some((c) => c.suite === 'parse'),
    'input is read, not reported',
  );
});

t.test('unreadable input exits 2 with one error naming the file', async (t) => {
  const cases: [string, string[], RegExp][] = [
    [
      'missing',
      ['--ca', file('nope.pem'), '--cert', file('server.pem')],
      /--ca .*nope\.pem.*ENOENT/,
    ],
    ['not PEM', ['--ca', file('root.pem'), '--cert', file('not-pem.txt')], /--cert .*not-pem\.txt/],
    [
      'a key',
      ['--ca', file('root.pem'), '--cert', file('leaf.key')],
      /--cert .*leaf\.key.*private key/,
    ],
    ['no --ca', ['--cert', file('server.pem')], /--ca is missing/],
  ];
  for (const [name, args, message] of cases) {
    const result = await verify(...args);
    t.equal(result.code, 2, name);
    t.equal(result.stdout, '', `${name}: nothing on stdout`);
    t.match(result.stderr, /^certkey: E_(INPUT_READ|USAGE): /, name);
    t.match(result.stderr, message, name);
    t.notMatch(result.stderr, /PRIVATE KEY-----|\n\s+at /, `${name}: no key, no stack`);
  }
  t.notMatch(
    (await verify('--ca', file('root.pem'), '--cert', file('leaf.key'))).stderr,
    keyPem.slice(40, 80),
  );
});

t.test('a bad --purpose is a usage error', async (t) => {
  const result = await verify(...base, '--cert', file('server.pem'), '--purpose', 'both');
  t.equal(result.code, 2);
  // One line and a remedy, as every certkey error; not yargs' "Invalid values:" block.
  t.equal(
    result.stderr,
    'certkey: E_USAGE: --purpose "both" is not one of client, server\n' +
      '  remedy: give --purpose client or --purpose server\n',
  );
});
