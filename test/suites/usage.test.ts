import t from 'tap';
import { makeKey } from '../../src/gen/pki.js';
import type { LeafField } from '../../src/model.js';
import { usageSuite } from '../../suites/usage.js';
import { leaf, parsed, pick, pki, root, runSuite } from './fixtures.js';

const sms = await root();
const rsa = await makeKey({ type: 'rsa' });

type Spec = Parameters<typeof leaf>[2];

async function usageOf(field: LeafField, spec: Spec, key?: Awaited<ReturnType<typeof makeKey>>) {
  const cert = await leaf(field, sms, spec, key);
  return runSuite(usageSuite, parsed(await pki({ leaves: { [field]: cert } })));
}

t.test('extendedKeyUsage allows the role of each leaf', async (t) => {
  const cases: [string, LeafField, Spec, string, RegExp][] = [
    [
      'source with clientAuth',
      'cert',
      {},
      'pass',
      /^cert allows TLS client use \(extendedKeyUsage clientAuth\)$/,
    ],
    [
      'source without EKU',
      'cert',
      { extKeyUsage: null },
      'pass',
      /^cert has no extendedKeyUsage, so TLS client use is allowed$/,
    ],
    [
      'target with both',
      'target_mgmt_cert',
      { extKeyUsage: ['serverAuth', 'clientAuth'] },
      'pass',
      /allows TLS server use \(extendedKeyUsage serverAuth, clientAuth\)/,
    ],
    [
      'source with serverAuth only',
      'cert',
      { extKeyUsage: ['serverAuth'] },
      'fail',
      new RegExp(
        '^cert is the TLS client but its extendedKeyUsage \\(serverAuth\\) lacks clientAuth; the ' +
          'handshake fails with "unsuitable certificate purpose"$',
      ),
    ],
    [
      'target with clientAuth only',
      'target_data_cert',
      { extKeyUsage: ['clientAuth'] },
      'fail',
      new RegExp(
        '^target_data_cert is the TLS server but its extendedKeyUsage \\(clientAuth\\) lacks ' +
          'serverAuth',
      ),
    ],
    [
      'target with unrelated purposes',
      'target_mgmt_cert',
      { extKeyUsage: ['codeSigning', 'emailProtection'] },
      'fail',
      /extendedKeyUsage \(codeSigning, emailProtection\) lacks serverAuth/,
    ],
    [
      'source with anyExtendedKeyUsage only',
      'cert',
      { extKeyUsage: ['2.5.29.37.0'] },
      'fail',
      new RegExp(
        '\\(anyExtendedKeyUsage\\) lacks clientAuth: OpenSSL does not accept anyExtendedKeyUsage ' +
          'in place of it',
      ),
    ],
  ];
  for (const [name, field, spec, status, message] of cases) {
    const check = pick(await usageOf(field, spec), field, 'eku');
    t.equal(check.status, status, `${name}: ${status}`);
    t.equal(check.suite, 'usage');
    t.match(check.message, message, `${name}: message`);
    if (status === 'fail')
      t.match(check.remedy, /reissue .* with extendedKeyUsage (clientAuth|serverAuth)/);
  }
});

t.test('keyUsage, when present, allows signing', async (t) => {
  const ec = await makeKey({ type: 'ec' });
  const cases: [string, LeafField, Spec, typeof rsa | undefined, string, RegExp][] = [
    ['digitalSignature', 'cert', {}, undefined, 'pass', /^cert has keyUsage digitalSignature$/],
    [
      'RSA with digitalSignature and keyEncipherment',
      'target_mgmt_cert',
      {},
      rsa,
      'pass',
      /keyUsage digitalSignature, keyEncipherment/,
    ],
    ['no keyUsage', 'cert', { keyUsage: null }, undefined, 'pass', /no keyUsage extension/],
    [
      'RSA with keyEncipherment only',
      'target_mgmt_cert',
      { keyUsage: ['keyEncipherment'] },
      rsa,
      'fail',
      new RegExp(
        '^target_mgmt_cert has keyUsage keyEncipherment without digitalSignature: TLS 1\\.3 and ' +
          'ECDHE key exchange sign the handshake with this key$',
      ),
    ],
    [
      'EC target with keyAgreement only',
      'target_data_cert',
      { keyUsage: ['keyAgreement'] },
      ec,
      'fail',
      new RegExp(
        'keyUsage keyAgreement without digitalSignature: an EC server key limited to ' +
          'keyAgreement is refused by OpenSSL in TLS 1\\.2',
      ),
    ],
    [
      'empty keyUsage',
      'cert',
      { keyUsage: [] },
      undefined,
      'fail',
      /^cert has an empty keyUsage without digitalSignature/,
    ],
  ];
  for (const [name, field, spec, key, status, message] of cases) {
    const check = pick(await usageOf(field, spec, key), field, 'key-usage');
    t.equal(check.status, status, `${name}: ${status}`);
    t.match(check.message, message, `${name}: message`);
    if (status === 'fail') t.match(check.remedy, /keyUsage digitalSignature/);
  }
});

t.test('a leaf must not be a CA', async (t) => {
  const bad = pick(await usageOf('target_data_cert', { ca: true }), 'target_data_cert', 'not-ca');
  t.equal(bad.status, 'fail');
  t.equal(
    bad.message,
    'target_data_cert has basicConstraints cA=TRUE: a TLS leaf must be an end-entity certificate',
  );
  t.match(bad.remedy, /CA:FALSE/);
  const good = pick(await usageOf('target_data_cert', {}), 'target_data_cert', 'not-ca');
  t.equal(good.status, 'pass');
  const noConstraints = pick(await usageOf('cert', { basicConstraints: false }), 'cert', 'not-ca');
  t.equal(noConstraints.status, 'pass');
});

t.test('skips, naming the field, when the leaf did not parse', async (t) => {
  const checks = await runSuite(usageSuite, parsed(await pki(), { cert: undefined }));
  for (const name of ['eku', 'key-usage', 'not-ca']) {
    t.equal(
      pick(checks, 'cert', name).message,
      'skipped: cert did not parse (see the parse suite)',
    );
  }
});
