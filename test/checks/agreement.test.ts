/**
 * The agreement post-pass: a static failure whose subject passed a real handshake keeps its
 * verdict and gets a note naming this Node's OpenSSL and security level; failures the
 * handshake agreed with, and checks of other kinds, get none. The CLI test needs
 * `npm run build` first.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { acceptedBy, noteAgreement } from '../../src/checks/agreement.js';
import { runChecks } from '../../src/checks/run.js';
import { generateBundle } from '../../src/gen/bundle.js';
import { tlsEnvironment } from '../../src/handshake/environment.js';
import { toRawBundle } from '../../src/intake/bundle.js';
import type { Check, CheckOptions } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';

t.setTimeout(300_000);

const env = { openssl: '3.0.99', securityLevel: 1 };

function check(part: Partial<Check> & Pick<Check, 'suite' | 'subject' | 'name' | 'status'>) {
  return { message: 'm', ...part } as Check;
}

t.test('notes a usage failure whose target passed both handshakes', async (t) => {
  const failed = check({
    suite: 'usage',
    subject: 'target_mgmt_cert',
    name: 'key-usage',
    status: 'fail',
  });
  const checks = [
    failed,
    check({ suite: 'mtls', subject: 'target_mgmt_cert', name: 'tls1.3', status: 'pass' }),
    check({ suite: 'mtls', subject: 'target_mgmt_cert', name: 'tls1.2', status: 'pass' }),
  ];
  noteAgreement(checks, env);
  t.equal(failed.status, 'fail', 'the failure stands');
  t.match(
    failed.note,
    /OpenSSL 3\.0\.99, security level 1\) accepted it in the TLS 1\.2 and TLS 1\.3 handshake/,
  );
  t.match(failed.note, /; a stricter peer will not$/);
});

t.test(
  'the source certificate and the CA count as accepted by any passing handshake',
  async (t) => {
    const source = check({ suite: 'strength', subject: 'cert', name: 'key', status: 'fail' });
    const ca = check({
      suite: 'chain',
      subject: 'ca',
      name: 'is-ca',
      status: 'fail',
      note: 'earlier',
    });
    const checks = [
      source,
      ca,
      check({ suite: 'mtls', subject: 'target_data_cert', name: 'tls1.3', status: 'pass' }),
      check({ suite: 'mtls', subject: 'target_data_cert', name: 'tls1.2', status: 'fail' }),
    ];
    noteAgreement(checks, { openssl: '3.5.0', securityLevel: null });
    t.match(
      source.note,
      /OpenSSL 3\.5\.0, security level unknown\) accepted it in a TLS 1\.3 handshake/,
    );
    t.match(ca.note, /^earlier; this Node\/OpenSSL/, 'an earlier note is kept');
  },
);

t.test('no note where the handshake failed too, or for other kinds of check', async (t) => {
  const checks = [
    check({ suite: 'usage', subject: 'target_data_cert', name: 'eku', status: 'fail' }),
    check({ suite: 'expiry', subject: 'target_mgmt_cert', name: 'validity', status: 'fail' }),
    check({ suite: 'chain', subject: 'ca', name: 'order', status: 'fail' }),
    check({ suite: 'pair', subject: 'target_mgmt_cert', name: 'pair', status: 'fail' }),
    check({ suite: 'usage', subject: 'target_mgmt_cert', name: 'eku', status: 'warn' }),
    check({ suite: 'mtls', subject: 'target_mgmt_cert', name: 'tls1.3', status: 'pass' }),
    check({ suite: 'mtls', subject: 'target_data_cert', name: 'tls1.3', status: 'fail' }),
    check({ suite: 'mtls', subject: 'target_data_cert', name: 'refuses-no-cert', status: 'pass' }),
  ];
  noteAgreement(checks, env);
  t.same(
    checks.filter((c) => c.note !== undefined),
    [],
  );
  t.same([...acceptedBy(checks).keys()].sort(), ['ca', 'cert', 'target_mgmt_cert']);
});

const options = (): CheckOptions => ({ at: new Date(), minDays: 30, handshakeTimeoutMs: 30_000 });

async function judge(defect: string): Promise<Check[]> {
  const raw = toRawBundle(await generateBundle({ defect }), defect);
  return (await runChecks(raw, options())).checks;
}

const find = (checks: Check[], suite: string, subject: string, name: string) =>
  checks.find((c) => c.suite === suite && c.subject === subject && c.name === name);

t.test(
  'a generated RSA target without digitalSignature: handshakes pass, note added',
  async (t) => {
    const checks = await judge('rsa-target-without-digital-signature');
    const tls13 = find(checks, 'mtls', 'target_mgmt_cert', 'tls1.3');
    const usage = find(checks, 'usage', 'target_mgmt_cert', 'key-usage');
    t.equal(usage?.status, 'fail');
    if (tls13?.status !== 'pass') {
      t.notOk(usage?.note, `no note when the handshake refused too (${tls13?.message ?? ''})`);
      return;
    }
    const { openssl, securityLevel } = await tlsEnvironment();
    t.match(
      usage?.note,
      `OpenSSL ${openssl}, security level ${String(securityLevel)}) accepted it`,
    );
    t.match(usage?.note, /a stricter peer will not/);
  },
);

t.test('a generated wrong-purpose target: the handshake refused, no note', async (t) => {
  const checks = await judge('target-client-auth-only');
  const usage = checks.find((c) => c.suite === 'usage' && c.status === 'fail');
  t.ok(usage, 'the usage suite fails');
  t.equal(usage?.note, undefined);
  t.notOk(checks.some((c) => c.suite !== 'mtls' && c.note?.includes('stricter peer')));
});

t.test('certkey run records the environment and shows the note in the reports', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'certkey-agreement-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const bundle = join(dir, 'bundle.json');
  const fields = await generateBundle({ defect: 'rsa-target-without-digital-signature' });
  await writeFile(bundle, JSON.stringify(fields), { mode: 0o600 });

  const args = ['run', '--bundle', bundle, '--json', '--out', join(dir, 'reports')];
  const result = await runCli(args, { timeoutMs: 240_000 });
  t.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout) as {
    environment: { openssl: string; securityLevel?: number };
    checks: Check[];
  };
  const { openssl, securityLevel } = await tlsEnvironment();
  t.same(report.environment.openssl, openssl);
  t.same(report.environment.securityLevel, securityLevel);

  const usage = find(report.checks, 'usage', 'target_mgmt_cert', 'key-usage');
  const handshake = find(report.checks, 'mtls', 'target_mgmt_cert', 'tls1.3');
  t.equal(usage?.status, 'fail');
  if (handshake?.status === 'pass') t.match(usage?.note, /accepted it in the .*stricter peer/);
  else t.equal(usage?.note, undefined);
});
