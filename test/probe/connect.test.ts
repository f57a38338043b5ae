import { X509Certificate } from 'node:crypto';
import t from 'tap';
import { probe, type ProbeTarget } from '../../src/probe/connect.js';
import { unreachable } from '../../src/probe/tcp.js';
import { generateBundle } from '../../src/gen/bundle.js';
import { closedPort, silentTarget, tlsTarget, type TlsVersion } from './targets.js';

const bundle = await generateBundle();
// Another task's bundle: EC keys, so that no key is shared with `bundle` (the generator
// reuses keys of a type across bundles).
const foreign = await generateBundle({ defect: 'ec-pkcs8-keys' });
const identity = { cert: bundle.cert as string, key: bundle.private_key as string };

/** A probe of 127.0.0.1:port trusting the bundle's CA. */
function target(port: number, extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return { host: '127.0.0.1', port, ca: [bundle.ca_cert as string], timeoutMs: 20_000, ...extra };
}

const VERSIONS: TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];

for (const version of VERSIONS) {
  t.test(`${version}: a listener that requires our certificate takes it`, async (t) => {
    const port = await tlsTarget(t, { bundle, version });
    const found = await probe(target(port, { identity }));
    t.ok(found.tcp.ok, 'TCP connected');
    t.equal(found.tls?.done, true, 'handshake done');
    t.equal(found.tls?.protocol, version);
    t.match(found.tls?.cipher, /\w/);
    t.equal(found.tls?.certRequested, true, 'a CertificateRequest was seen');
    t.equal(found.tls?.verdict, 'accepted');
    t.equal(found.tls?.untrusted, undefined, 'the server verifies against ca');
    t.equal(found.tls?.peer?.subject, 'CN=sms-target-mgmt');
    t.type(found.tls?.ms, 'number');

    const bare = await probe(target(port));
    t.equal(bare.tls?.certRequested, true);
    t.equal(bare.tls?.verdict, 'refused', 'no certificate: refused');
    t.match(bare.tls?.failure?.code, /ALERT/);
  });

  t.test(`${version}: a listener that asks for no client certificate`, async (t) => {
    const port = await tlsTarget(t, { bundle, version, auth: 'none' });
    const found = await probe(target(port, { identity }));
    t.equal(found.tls?.done, true);
    t.equal(found.tls?.certRequested, false, 'no CertificateRequest');
    t.equal(found.tls?.verdict, 'accepted');
  });

  t.test(`${version}: a listener that asks but does not require`, async (t) => {
    const port = await tlsTarget(t, { bundle, version, auth: 'optional' });
    const bare = await probe(target(port));
    t.equal(bare.tls?.certRequested, true);
    t.equal(bare.tls?.verdict, 'accepted', 'taken without a certificate');
  });

  t.test(`${version}: another task's listener refuses ours and is not trusted`, async (t) => {
    const port = await tlsTarget(t, { bundle: foreign, version });
    const found = await probe(target(port, { identity }));
    t.equal(found.tls?.certRequested, true);
    t.equal(found.tls?.verdict, 'refused', 'our certificate is refused');
    t.ok(found.tls?.failure, 'with the reason');
    t.equal(found.tls?.peer?.fingerprint256, fingerprint(foreign.target_mgmt_cert as string));
    if (found.tls?.done) t.match(found.tls.untrusted?.code, /SELF_SIGNED|UNABLE_TO/);
  });
}

t.test('nothing listening: refused, no TLS attempted', async (t) => {
  const found = await probe(target(await closedPort(), { identity }));
  t.same(found.tcp, {
    ok: false,
    kind: 'refused',
    code: 'ECONNREFUSED',
    reason: 'connection refused: nothing listens on the port',
  });
  t.equal(found.tls, undefined);
});

t.test('a port that does not speak TLS: the handshake times out', async (t) => {
  const port = await silentTarget(t);
  const found = await probe(target(port, { identity, timeoutMs: 1500 }));
  t.ok(found.tcp.ok);
  t.equal(found.tls?.done, false);
  t.equal(found.tls?.failure?.code, 'ETIMEDOUT');
  t.equal(found.tls?.certRequested, undefined, 'nothing learnt of the server');
});

t.test('connection errors are sorted by what to look at', async (t) => {
  t.equal(unreachable('ECONNREFUSED'), 'refused');
  t.equal(unreachable('ETIMEDOUT'), 'timeout');
  t.equal(unreachable('EHOSTUNREACH'), 'no-route');
  t.equal(unreachable('ENETUNREACH'), 'no-route');
  t.equal(unreachable('ENOTFOUND'), 'no-address');
  t.equal(unreachable('EAI_AGAIN'), 'no-address');
  t.equal(unreachable('EPROTO'), 'other');
});

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}
