import { X509Certificate } from 'node:crypto';
import t from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { toRawBundle } from '../../src/intake/bundle.js';
import type { ProbeOutcome } from '../../src/probe/connect.js';
import { judgePort, type PortFindings } from '../../src/probe/judge.js';
import type { Check } from '../../src/model.js';
import { parseBundle } from '../../suites/parse.js';

const reply = await generateBundle();
const { bundle } = parseBundle(toRawBundle(reply, 'reply.json'));
const mgmt = bundle.leaves.target_mgmt_cert;
const data = bundle.leaves.target_data_cert;
if (!mgmt || !data) throw new Error('the generated bundle did not parse');

/** What the data listener presented, and its port; by default the right one on 8900. */
interface Theirs {
  port?: number;
  presented?: string | undefined;
}

/** Findings for the mgmt port, with the outcome of the probe with our certificate. */
function findings(
  withCert: ProbeOutcome,
  withoutCert?: ProbeOutcome,
  theirs: Theirs = {},
): PortFindings {
  const presented = 'presented' in theirs ? theirs.presented : data?.node.fingerprint256;
  return {
    field: 'target_mgmt_cert',
    address: '10.0.0.5:8899',
    port: 8899,
    expected: mgmt as NonNullable<typeof mgmt>,
    other: {
      field: 'target_data_cert',
      cert: data as NonNullable<typeof data>,
      port: theirs.port ?? 8900,
      presented,
    },
    source: "'CN=sms-source'",
    withCert,
    ...(withoutCert ? { withoutCert } : {}),
  };
}

function byName(checks: Check[]): Record<string, Check> {
  return Object.fromEntries(checks.map((check) => [check.name, check]));
}

t.test('each way of being unreachable gets its own remedy', async (t) => {
  const cases: [ProbeOutcome['tcp'], RegExp][] = [
    [
      { ok: false, kind: 'timeout', code: 'ETIMEDOUT', reason: 'no answer within 10000 ms' },
      /allow TCP 8899 from this machine to 10\.0\.0\.5 in the target's security group/,
    ],
    [
      { ok: false, kind: 'no-route', code: 'EHOSTUNREACH', reason: 'no route to the host' },
      /check the address 10\.0\.0\.5 and the route/,
    ],
    [
      {
        ok: false,
        kind: 'no-address',
        code: 'ENOTFOUND',
        reason: 'the host name does not resolve',
      },
      /give the target's IP address with --host/,
    ],
    [
      { ok: false, kind: 'refused', code: 'ECONNREFUSED', reason: 'connection refused' },
      /start the SMS Agent on the target/,
    ],
  ];
  for (const [tcp, remedy] of cases) {
    const checks = byName(judgePort(findings({ tcp })));
    const code = tcp.ok ? '' : tcp.code;
    t.equal(checks.reachable?.status, 'fail', code);
    t.match(
      checks.reachable?.message,
      new RegExp(`^10\\.0\\.0\\.5:8899 is not reachable: .*\\(${code}\\)$`),
    );
    t.match(checks.reachable?.remedy, remedy, code);
    t.equal(checks.tls?.status, 'skip');
    t.equal(checks.diagnosis?.status, 'fail');
    t.equal(checks.diagnosis?.remedy, checks.reachable?.remedy, 'the diagnosis says what to do');
  }
});

/** A TLS 1.3 handshake in which the listener presented `pem`. */
function presenting(pem: string) {
  return {
    done: true,
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    ms: 7,
    peer: new X509Certificate(pem),
    certRequested: true,
  };
}

t.test('swapped certificates, silence after TLS 1.3, a certificate not required', async (t) => {
  const shake = presenting(data.pem);
  const checks = byName(
    judgePort(
      findings(
        { tcp: { ok: true, ms: 1 }, tls: { ...shake, verdict: 'silent' } },
        { tcp: { ok: true, ms: 1 }, tls: { ...shake, verdict: 'accepted' } },
        { presented: mgmt.node.fingerprint256 },
      ),
    ),
  );
  t.equal(checks.certificate?.status, 'fail');
  t.match(
    checks.certificate?.message,
    /presents target_data_cert, not target_mgmt_cert: .* swapped/,
  );
  t.equal(checks['client-cert']?.status, 'warn');
  t.match(checks['client-cert']?.message, /did not refuse cert .* but sent no session ticket/);
  t.equal(checks['refuses-no-cert']?.status, 'warn');
  t.equal(checks.diagnosis?.status, 'fail');
  t.match(checks.diagnosis?.message, /swapped \(and 2 more: client-cert, refuses-no-cert\)$/);
});

t.test("swapped only when each listener presents the other's certificate", async (t) => {
  const cases: [string, Theirs, RegExp, RegExp][] = [
    [
      'both listeners present target_data_cert',
      {},
      /: the management listener presents the data certificate, as the data listener on 8900 does$/,
      /^configure the management listener on 8899 with target_mgmt_cert and its key$/,
    ],
    [
      'the data listener presented nothing',
      { presented: undefined },
      /: the management listener presents the data certificate$/,
      /^configure the management listener on 8899/,
    ],
    [
      'the data listener presents a third certificate',
      { presented: 'AA:BB' },
      /: the management listener presents the data certificate$/,
      /^configure the management listener on 8899/,
    ],
    [
      'one port given as both',
      { port: 8899 },
      /: --mgmt-port and --data-port are both 8899, so one listener was probed as both$/,
      /^give each listener its own port: --mgmt-port \(default 8899\) and --data-port/,
    ],
  ];
  for (const [name, theirs, message, remedy] of cases) {
    const shake = { ...presenting(data.pem), verdict: 'accepted' as const };
    const withCert = { tcp: { ok: true as const, ms: 1 }, tls: shake };
    const checks = byName(judgePort(findings(withCert, undefined, theirs)));
    t.equal(checks.certificate?.status, 'fail', name);
    t.match(checks.certificate?.message, /^10\.0\.0\.5:8899 presents target_data_cert, not /);
    t.match(checks.certificate?.message, message, name);
    t.notMatch(checks.certificate?.message, /swapped/, `${name}: not a swap`);
    t.match(checks.certificate?.remedy, remedy, name);
    t.equal(checks.diagnosis?.message, checks.certificate?.message, `${name}: the diagnosis`);
  }
});

t.test('the presented certificate does not verify against ca', async (t) => {
  const checks = byName(
    judgePort(
      findings({
        tcp: { ok: true, ms: 1 },
        tls: {
          done: true,
          protocol: 'TLSv1.2',
          cipher: 'ECDHE-RSA-AES128-GCM-SHA256',
          ms: 3,
          peer: new X509Certificate(mgmt.pem),
          certRequested: true,
          verdict: 'accepted',
          untrusted: {
            code: 'CERT_HAS_EXPIRED',
            reason: 'certificate has expired',
            own: true,
            stage: 'verify',
          },
        },
      }),
    ),
  );
  t.equal(checks.certificate?.status, 'pass');
  t.equal(checks['server-verify']?.status, 'fail');
  t.match(checks['server-verify']?.message, /certificate has expired \[CERT_HAS_EXPIRED\]/);
  t.equal(checks['refuses-no-cert']?.status, 'skip', 'not probed without a certificate');
  t.equal(
    checks.diagnosis?.message,
    'the certificate 10.0.0.5:8899 presents does not verify against ca',
  );
});

t.test('a port that takes TCP but no TLS handshake', async (t) => {
  const checks = byName(
    judgePort(
      findings({
        tcp: { ok: true, ms: 1 },
        tls: {
          done: false,
          failure: {
            code: 'ETIMEDOUT',
            reason: 'no TLS handshake within 10000 ms',
            own: false,
            stage: 'timeout',
          },
        },
      }),
    ),
  );
  t.equal(checks.reachable?.status, 'pass');
  t.equal(checks.tls?.status, 'fail');
  t.match(
    checks.tls?.message,
    /accepts TCP but no TLS handshake completes: no TLS handshake within/,
  );
  t.match(checks.tls?.remedy, /another service may hold the port, or raise --timeout/);
  t.equal(checks.certificate?.status, 'skip');
  t.match(checks.certificate?.message, /^skipped: no TLS handshake with 10\.0\.0\.5:8899$/);
});
