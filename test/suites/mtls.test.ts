import { createPublicKey } from 'node:crypto';
import t from 'tap';
import type { Check, ParsedBundle } from '../../src/model.js';
import { tlsEnvironment } from '../../src/handshake/environment.js';
import { runHandshake } from '../../src/handshake/mutual.js';
import { controlCheck, mtlsSuite } from '../../suites/mtls.js';
import { makeCert, makeKey } from '../../src/gen/pki.js';
import {
  bundleOf,
  identity,
  makeCa,
  makeLeaf,
  makePki,
  options,
  parsedCert,
} from '../handshake/bundle.js';

const DAY = 86_400_000;

async function run(bundle: ParsedBundle, earlier: Check[] = []): Promise<Check[]> {
  return mtlsSuite.run({ bundle, options: options(), earlier });
}

function find(checks: Check[], subject: string, name: string): Check {
  const check = checks.find((c) => c.subject === subject && c.name === name);
  if (!check) throw new Error(`no ${subject} ${name} check`);
  return check;
}

/** Counts of open TCP servers and sockets in this process. */
function tcpHandles(): { servers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return {
    servers: info.filter((kind) => kind === 'TCPServerWrap').length,
    sockets: info.filter((kind) => kind === 'TCPSocketWrap').length,
  };
}

/** The TCP handles once they match `expected`, or as they are after five seconds. */
async function handlesSettled(expected: ReturnType<typeof tcpHandles>) {
  for (let turn = 0; turn < 100; turn += 1) {
    const now = tcpHandles();
    if (now.servers === expected.servers && now.sockets === expected.sockets) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return tcpHandles();
}

const ca = await makeCa();

t.test('a healthy bundle passes every mtls check on TLS 1.2 and 1.3', async (t) => {
  const before = tcpHandles();
  const checks = await run(bundleOf(await makePki({ ca })));

  t.equal(checks.length, 8);
  for (const check of checks) {
    t.equal(check.status, 'pass', `${check.subject} ${check.name}: ${check.message}`);
    t.equal(check.suite, 'mtls');
  }
  t.same(
    checks.map((c) => `${c.subject} ${c.name}`),
    ['target_mgmt_cert', 'target_data_cert'].flatMap((subject) =>
      ['tls1.2', 'tls1.3', 'refuses-no-cert', 'refuses-foreign-cert'].map((n) => `${subject} ${n}`),
    ),
  );
  t.match(
    find(checks, 'target_mgmt_cert', 'tls1.2').message,
    /^TLS 1\.2: .*IP Address:127\.0\.0\.1/,
  );
  t.match(find(checks, 'target_data_cert', 'tls1.3').message, /^TLS 1\.3: .*CN=target_data_cert/);
  t.match(
    find(checks, 'target_mgmt_cert', 'refuses-no-cert').message,
    /peer did not return a certificate/,
  );
  t.match(
    find(checks, 'target_mgmt_cert', 'refuses-foreign-cert').message,
    /refused .*self-signed/,
  );

  // Every listener and socket the suite opened is gone again. A closed handle leaves libuv's
  // list only once its close callback ran, some loop turns later on a busy machine.
  t.same(await handlesSettled(before), before);
});

t.test('a source certificate from another CA is refused by the target listener', async (t) => {
  const other = await makeCa('CN=Other CA');
  const cert = await makeLeaf('cert', other);
  const checks = await run(bundleOf(await makePki({ ca, leaves: { cert } })));

  for (const name of ['tls1.2', 'tls1.3']) {
    const check = find(checks, 'target_mgmt_cert', name);
    t.equal(check.status, 'fail', name);
    t.match(
      check.message,
      /the target listener \(target_mgmt_cert\) refused the client certificate \(cert\)/,
    );
    t.match(check.message, /unable to verify the first certificate \[UNABLE_TO_VERIFY_LEAF/);
    t.match(check.remedy, /^cert was not issued by a certificate in ca/);
  }
  // The negative controls do not depend on the source certificate.
  t.equal(find(checks, 'target_mgmt_cert', 'refuses-no-cert').status, 'pass');
});

t.test('an expired source certificate is refused by the target listener', async (t) => {
  const cert = await makeLeaf('cert', ca, {
    notBefore: new Date(Date.now() - 30 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });
  const checks = await run(bundleOf(await makePki({ ca, leaves: { cert } })));

  const check = find(checks, 'target_data_cert', 'tls1.3');
  t.equal(check.status, 'fail');
  t.match(
    check.message,
    /refused the client certificate \(cert\): certificate has expired \[CERT_HAS_EXPIRED\]/,
  );
  t.match(check.remedy, /request a new certkey bundle/);
  t.equal(find(checks, 'target_data_cert', 'tls1.2').status, 'fail');
});

t.test('a target certificate from another CA is refused by the client', async (t) => {
  const other = await makeCa('CN=Other CA');
  const target = await makeLeaf('target_data_cert', other);
  const checks = await run(bundleOf(await makePki({ ca, leaves: { target_data_cert: target } })));

  for (const name of ['tls1.2', 'tls1.3']) {
    const check = find(checks, 'target_data_cert', name);
    t.equal(check.status, 'fail', name);
    t.match(
      check.message,
      /the client \(cert\) refused the target certificate \(target_data_cert\)/,
    );
    t.match(check.message, /unable to verify the first certificate/);
    t.match(check.remedy, /^target_data_cert was not issued/);
  }
  t.equal(find(checks, 'target_mgmt_cert', 'tls1.2').status, 'pass');
});

t.test('an EC target with keyUsage keyAgreement only fails TLS 1.2 and passes 1.3', async (t) => {
  const target = await makeLeaf('target_mgmt_cert', ca, { keyUsage: ['keyAgreement'] });
  const checks = await run(bundleOf(await makePki({ ca, leaves: { target_mgmt_cert: target } })));

  const tls12 = find(checks, 'target_mgmt_cert', 'tls1.2');
  const tls13 = find(checks, 'target_mgmt_cert', 'tls1.3');
  t.equal(tls12.status, 'fail');
  t.match(tls12.message, /^TLS 1\.2 failed: the target listener \(target_mgmt_cert\) broke off/);
  t.match(tls12.message, /no shared cipher \[ERR_SSL_NO_SHARED_CIPHER\]; TLS 1\.3 succeeded/);
  t.match(tls12.remedy, /target_mgmt_cert allows no TLS 1\.2 key exchange.*digitalSignature/);
  t.equal(tls13.status, 'pass');
  t.match(tls13.note, /TLS 1\.2 failed/);
});

t.test('a target key below the security level follows what OpenSSL does', async (t) => {
  const env = await tlsEnvironment();
  const target = await makeLeaf('target_mgmt_cert', ca, {}, { type: 'rsa', bits: 1024 });
  const checks = await run(bundleOf(await makePki({ ca, leaves: { target_mgmt_cert: target } })));
  const tls12 = find(checks, 'target_mgmt_cert', 'tls1.2');

  if ((env.securityLevel ?? 0) >= 2) {
    t.equal(tls12.status, 'fail');
    t.match(tls12.message, /could not load target_mgmt_cert .*ee key too small/);
    t.match(tls12.remedy, new RegExp(`security level ${env.securityLevel}`));
    t.equal(find(checks, 'target_mgmt_cert', 'refuses-no-cert').status, 'skip');
  } else {
    t.equal(tls12.status, 'pass', tls12.message);
    t.equal(find(checks, 'target_mgmt_cert', 'refuses-no-cert').status, 'pass');
  }
});

t.test('a source key below the security level is refused by the client itself', async (t) => {
  const env = await tlsEnvironment();
  const cert = await makeLeaf('cert', ca, {}, { type: 'rsa', bits: 1024 });
  const checks = await run(bundleOf(await makePki({ ca, leaves: { cert } })));
  const tls13 = find(checks, 'target_data_cert', 'tls1.3');

  if ((env.securityLevel ?? 0) >= 2) {
    t.equal(tls13.status, 'fail');
    t.match(tls13.message, /the client could not load cert with private_key: ee key too small/);
    t.match(tls13.remedy, /^cert's key is below OpenSSL/);
  } else {
    t.equal(tls13.status, 'pass', tls13.message);
  }
  t.equal(find(checks, 'target_data_cert', 'refuses-no-cert').status, 'pass');
});

t.test('leaves issued by an intermediate in ca pass', async (t) => {
  const intermediate = await makeCert({
    subject: 'CN=SMS Test Intermediate',
    key: await makeKey({ type: 'ec' }),
    issuer: ca,
    ca: true,
  });
  const pki = await makePki({ ca: intermediate });
  const bundle = bundleOf(pki);
  bundle.ca = [parsedCert('ca', ca), parsedCert('ca', intermediate)];
  const checks = await run(bundle);
  for (const check of checks) t.equal(check.status, 'pass', `${check.subject} ${check.name}`);
});

t.test('a view scoped to one target checks that target only', async (t) => {
  const bundle = bundleOf(await makePki({ ca }));
  bundle.scope = ['target_data_cert'];
  const checks = await run(bundle);
  t.same(
    checks.map((c) => `${c.subject} ${c.name} ${c.status}`),
    [
      'target_data_cert tls1.2 skip',
      'target_data_cert tls1.3 skip',
      'target_data_cert refuses-no-cert pass',
      'target_data_cert refuses-foreign-cert pass',
    ],
  );
  t.match(checks[0]?.message, /needs the source certificate \(cert\)/);
});

t.test('a listener that accepts anyone fails the negative controls', async (t) => {
  const pki = await makePki({ ca });
  const lax = await runHandshake({
    target: identity(pki.leaves.target_mgmt_cert),
    ca: [ca.pem],
    timeoutMs: 20_000,
    verifyServer: false,
    rejectUnauthorized: false,
  });
  t.equal(lax.server?.accepted, true);

  const check = controlCheck(
    'target_mgmt_cert',
    'refuses-no-cert',
    'a client without a certificate',
    lax,
  );
  t.equal(check.status, 'fail');
  t.match(check.message, /accepted a client without a certificate: it would accept anyone/);
});

t.test('a redacted bundle skips mtls: private keys are needed', async (t) => {
  const bundle = bundleOf(await makePki({ ca }));
  for (const [field, key] of Object.entries(bundle.keys)) {
    bundle.publicKeys[field as keyof typeof bundle.keys] = createPublicKey(key);
  }
  bundle.keys = {};
  const checks = await run(bundle);

  t.equal(checks.length, 8);
  for (const check of checks) {
    t.equal(check.status, 'skip');
    t.match(check.message, /private keys/);
  }
});

t.test('a bundle marked redacted skips mtls', async (t) => {
  const bundle = bundleOf(await makePki({ ca }));
  bundle.raw.redacted = true;
  const checks = await run(bundle);
  t.equal(checks.length, 8);
  t.ok(checks.every((c) => c.status === 'skip' && /redacted/.test(c.message)));
});

t.test('a field that did not parse skips the checks that need it, naming it', async (t) => {
  const bundle = bundleOf(await makePki({ ca }));
  delete bundle.keys.target_data_private_key;
  delete bundle.leaves.cert;
  const earlier: Check[] = [
    {
      suite: 'parse',
      subject: 'cert',
      name: 'pem',
      status: 'fail',
      message: 'cert holds no PEM certificate block',
    },
  ];
  const checks = await run(bundle, earlier);

  for (const name of ['tls1.2', 'tls1.3']) {
    const check = find(checks, 'target_mgmt_cert', name);
    t.equal(check.status, 'skip');
    t.match(check.message, /^cert holds no PEM certificate block/);
  }
  // The controls need only the target's own certificate and key.
  t.equal(find(checks, 'target_mgmt_cert', 'refuses-no-cert').status, 'pass');
  for (const check of checks.filter((c) => c.subject === 'target_data_cert')) {
    t.equal(check.status, 'skip');
    t.match(check.message, /target_data_private_key/);
  }
});

t.test('a missing CA skips every check with the field named', async (t) => {
  const bundle = bundleOf(await makePki({ ca }));
  bundle.ca = [];
  delete bundle.raw.fields.ca;
  const checks = await run(bundle);
  for (const check of checks) {
    t.equal(check.status, 'skip');
    t.equal(check.message, 'ca is missing from the bundle');
  }
});

t.test('no message or remedy holds key material', async (t) => {
  const cert = await makeLeaf('cert', await makeCa('CN=Other CA'));
  const checks = await run(bundleOf(await makePki({ ca, leaves: { cert } })));
  t.notMatch(JSON.stringify(checks), /PRIVATE KEY|MII/);
});
