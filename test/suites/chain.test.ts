import t, { type Test } from 'tap';
import { makeCert, makeKey, keyIdOf, type Issued } from '../../src/gen/pki.js';
import { spkiOf } from '../../src/gen/keys.js';
import { signingAlgorithmOf, signingKeyOf } from '../../src/gen/sign.js';
import { x509 } from '../../src/parse/x509.js';
import type { Check, Field } from '../../src/model.js';
import { chainSuite } from '../../suites/chain.js';
import { caCert, days, leaf, options, parsed, pick, pki, root, runSuite } from './fixtures.js';

const sms = await root();
const healthy = await pki();

/** A root, an intermediate under it and a second intermediate under that one. */
async function ladder(rootSpec = {}, firstSpec = {}) {
  const top = await caCert('CN=Ladder Root', rootSpec);
  const middle = await makeCert({
    subject: 'CN=Ladder CA 1',
    key: await makeKey({ type: 'ec' }),
    issuer: top,
    ca: true,
    ...firstSpec,
  });
  const bottom = await makeCert({
    subject: 'CN=Ladder CA 2',
    key: await makeKey({ type: 'ec' }),
    issuer: middle,
    ca: true,
  });
  return { top, middle, bottom };
}

/** A bundle whose leaves are all issued by `issuer`, with the given CA field. */
async function under(issuer: Issued, ca: Issued[]) {
  return pki({
    ca,
    leaves: {
      cert: await leaf('cert', issuer),
      target_mgmt_cert: await leaf('target_mgmt_cert', issuer),
      target_data_cert: await leaf('target_data_cert', issuer),
    },
  });
}

async function chainOf(parts: Awaited<ReturnType<typeof pki>>) {
  return runSuite(chainSuite, parsed(parts));
}

function expect(
  t: Test,
  checks: Check[],
  subject: Field,
  name: string,
  status: string,
  words: RegExp[],
) {
  const check = pick(checks, subject, name);
  t.equal(check.status, status, `${subject}/${name} is ${status}`);
  t.equal(check.suite, 'chain');
  for (const word of words) t.match(check.message, word, `${subject}/${name} says ${word}`);
  if (status === 'fail' || status === 'warn') t.ok(check.remedy, 'with a remedy');
  if (status === 'skip') t.equal(check.remedy, undefined);
}

t.test('a healthy bundle passes every chain check', async (t) => {
  const checks = await chainOf(healthy);
  t.same(
    checks.filter((check) => check.status !== 'pass'),
    [],
  );
  t.equal(checks.length, 9 + 3 * 6);
  expect(t, checks, 'cert', 'path', 'pass', [/^cert -> 'CN=SMS Test Root CA' \(trust anchor\)$/]);
});

t.test('a two-level CA in either order passes, and the leaves chain through it', async (t) => {
  const { top, middle, bottom } = await ladder();
  for (const ca of [
    [bottom, middle, top],
    [top, middle, bottom],
  ]) {
    const checks = await chainOf(await under(bottom, ca));
    t.same(
      checks.filter((check) => check.status !== 'pass'),
      [],
    );
    expect(t, checks, 'target_data_cert', 'path', 'pass', [
      /'CN=Ladder CA 2' -> 'CN=Ladder CA 1' -> 'CN=Ladder Root'/,
    ]);
  }
});

t.test('each CA-field fault fails its own check, in words and names', async (t) => {
  const { top, middle, bottom } = await ladder();
  const otherRoot = await caCert('CN=Other Root');
  const twin = await caCert('CN=Ladder Root'); // same name as the real root, another key
  const notCa = await caCert('CN=Not A CA', { ca: false });
  const noBc = await makeCert({
    subject: 'CN=No Constraints',
    key: await makeKey({ type: 'ec' }),
    issuer: top,
    basicConstraints: false,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const noSign = await caCert('CN=No Cert Sign', { keyUsage: ['cRLSign'] });
  const expired = await caCert('CN=Old Root', { notBefore: days(-400), notAfter: days(-10) });
  const early = await caCert('CN=Future Root', { notBefore: days(10), notAfter: days(400) });
  const { top: zeroTop, middle: zeroMiddle, bottom: zeroBottom } = await ladder({ pathLength: 0 });

  const cases: [string, Promise<Awaited<ReturnType<typeof pki>>>, string, RegExp[]][] = [
    [
      'intermediate only',
      under(bottom, [bottom, middle]),
      'anchor',
      [
        /no trust anchor \(self-signed root\)/,
        /'CN=Ladder CA 1' is issued by 'CN=Ladder Root', which ca does not hold/,
      ],
    ],
    [
      'a root with the right name and the wrong key',
      under(bottom, [bottom, middle, twin]),
      'issuers',
      [
        new RegExp(
          "ca certificate 2 of 3 'CN=Ladder CA 1' is not issued by 'CN=Ladder Root' in ca: its " +
            "signature does not verify with the key of 'CN=Ladder Root' \\(sha256:",
        ),
        /different CA with the same name/,
      ],
    ],
    [
      'a root that is no CA',
      under(notCa, [notCa]),
      'is-ca',
      [/'CN=Not A CA' has basicConstraints cA=FALSE/],
    ],
    [
      'an intermediate without basicConstraints',
      under(noBc, [noBc, top]),
      'is-ca',
      [/ca certificate 1 of 2 'CN=No Constraints' has no basicConstraints extension/],
    ],
    [
      'a root without keyCertSign',
      under(noSign, [noSign]),
      'key-cert-sign',
      [/'CN=No Cert Sign' has keyUsage without keyCertSign \(it has cRLSign\)/],
    ],
    [
      'an expired root',
      under(expired, [expired]),
      'in-date',
      [/'CN=Old Root' expired on \d{4}-\d\d-\d\dT/],
    ],
    [
      'a root not yet valid',
      under(early, [early]),
      'in-date',
      [/'CN=Future Root' is not valid until \d{4}-/],
    ],
    [
      'a path length exceeded',
      under(zeroBottom, [zeroBottom, zeroMiddle, zeroTop]),
      'path-length',
      [
        new RegExp(
          "'CN=Ladder Root' allows 0 intermediate CA\\(s\\) " +
            'below it \\(pathLenConstraint 0\\) but ' +
            "has 2: 'CN=Ladder CA 2', 'CN=Ladder CA 1'",
        ),
      ],
    ],
    [
      'intermediates in the wrong order',
      under(bottom, [middle, bottom, top]),
      'order',
      [
        new RegExp(
          "intermediates in the wrong order: 'CN=Ladder CA 1', 'CN=Ladder CA 2', 'CN=Ladder " +
            "Root'; each certificate should come right before its issuer: 'CN=Ladder CA 2', " +
            "'CN=Ladder CA 1', 'CN=Ladder Root'",
        ),
      ],
    ],
    [
      'an unrelated certificate',
      under(sms, [sms, otherRoot]),
      'extra',
      [
        new RegExp(
          'an extra certificate unrelated to the chain of any leaf: ca certificate 2 of 2 ' +
            "'CN=Other Root' \\(sha256:[0-9a-f]{16}…\\)",
        ),
      ],
    ],
  ];
  for (const [name, parts, check, words] of cases) {
    t.test(name, async (t) => expect(t, await chainOf(await parts), 'ca', check, 'fail', words));
  }
});

t.test('each leaf fault fails its own check', async (t) => {
  const stranger = await caCert('CN=Stranger CA');
  const ski = await keyIdOf(sms.key.publicKey);
  // Same name and same key identifier as the SMS root, another key: only the signature tells.
  const impostor = await caCert('CN=SMS Test Root CA', { subjectKeyId: ski });
  const cases: [string, Promise<Issued>, string, string, RegExp[]][] = [
    [
      'issued by a CA not in ca',
      leaf('cert', stranger),
      'issuer',
      'fail',
      [
        new RegExp(
          "^cert is issued by 'CN=Stranger CA' but ca holds only 'CN=SMS Test Root CA': its " +
            'issuer is missing$',
        ),
      ],
    ],
    [
      'a wrong authority key id',
      leaf('cert', sms, { authorityKeyId: new Uint8Array(20).fill(7) }),
      'key-id',
      'fail',
      [
        new RegExp(
          '^cert does not point at its issuer: its authority key identifier (07){20} is not ' +
            "the key identifier [0-9a-f]{40} of 'CN=SMS Test Root CA'",
        ),
      ],
    ],
    [
      'no authority key id',
      leaf('cert', sms, { authorityKeyId: 'omit' }),
      'key-id',
      'warn',
      [/no authority key identifier/, /strict verifiers/],
    ],
    [
      'signed by a same-named CA',
      leaf('cert', impostor),
      'signature',
      'fail',
      [
        new RegExp(
          "^the signature of cert does not verify with the key of 'CN=SMS Test Root CA' " +
            '\\(sha256:[0-9a-f]{16}…\\): it was signed by a different CA with the same name$',
        ),
      ],
    ],
    [
      'signed by a same-named CA: no path',
      leaf('cert', impostor),
      'path',
      'fail',
      [
        new RegExp(
          "reaches no self-signed root: cert is not issued by 'CN=SMS Test Root CA': its " +
            "signature does not verify with the key of 'CN=SMS Test Root CA'",
        ),
      ],
    ],
    [
      "the CA's own subject",
      leaf('cert', sms, { subject: 'CN=SMS Test Root CA' }),
      'distinct',
      'fail',
      [/^cert has the same subject as a CA certificate in ca \('CN=SMS Test Root CA'\)/],
    ],
  ];
  for (const [name, cert, check, status, words] of cases) {
    const parts = await pki({ leaves: { cert: await cert } });
    t.test(name, async (t) => expect(t, await chainOf(parts), 'cert', check, status, words));
  }
  const impostorKey = await chainOf(await pki({ leaves: { cert: await leaf('cert', impostor) } }));
  expect(t, impostorKey, 'cert', 'key-id', 'pass', [/names its issuer's key/]);
});

t.test('skips, naming the field, when the CA or a leaf did not parse', async (t) => {
  const noCa = await runSuite(chainSuite, parsed(healthy, { ca: 'junk' }));
  t.ok(noCa.every((check) => check.status === 'skip'));
  t.ok(noCa.every((check) => check.message === 'skipped: ca did not parse (see the parse suite)'));
  const noLeaf = await runSuite(chainSuite, parsed(healthy, { target_data_cert: undefined }));
  const skipped = noLeaf.filter((check) => check.subject === 'target_data_cert');
  t.equal(skipped.length, 6);
  t.ok(
    skipped.every(
      (check) => check.status === 'skip' && /target_data_cert did not parse/.test(check.message),
    ),
  );
  t.equal(pick(noLeaf, 'cert', 'path').status, 'pass');
});

t.test('judges the CA in date at the moment asked for', async (t) => {
  const checks = await runSuite(chainSuite, parsed(healthy), options({ at: days(800) }));
  expect(t, checks, 'ca', 'in-date', 'fail', [/expired on/, /judged at/]);
});

/** A leaf like `leaf()` makes, with extra extensions appended. */
async function withExtensions(issuer: Issued, extra: x509.Extension[]): Promise<Issued> {
  const key = await makeKey({ type: 'ec' });
  const base = new x509.X509Certificate((await leaf('cert', issuer, {}, key)).pem);
  const cert = await x509.X509CertificateGenerator.create({
    subject: base.subject,
    issuer: base.issuer,
    notBefore: base.notBefore,
    notAfter: base.notAfter,
    publicKey: spkiOf(key.publicKey),
    signingKey: await signingKeyOf(issuer.key, 'SHA-256'),
    signingAlgorithm: signingAlgorithmOf(issuer.key.spec, 'SHA-256'),
    extensions: [...base.extensions, ...extra],
  });
  return { pem: cert.toString('pem'), key, subject: base.subject };
}

t.test('extensions OpenSSL refuses fail; gaps only strict verifiers mind warn', async (t) => {
  const odd = new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([5, 0]));
  const harmless = new x509.Extension('1.3.6.1.4.1.99999.1', false, new Uint8Array([5, 0]));
  const usage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);
  const cases: [string, x509.Extension[], string, RegExp][] = [
    [
      'an unknown critical extension',
      [odd],
      'fail',
      new RegExp(
        '^cert: critical extension 1\\.3\\.6\\.1\\.4\\.1\\.99999\\.1 ' +
          'is one OpenSSL does not handle: ' +
          'OpenSSL refuses the certificate$',
      ),
    ],
    ['an extension twice', [usage], 'fail', /extension keyUsage \(2\.5\.29\.15\) appears twice/],
    [
      'an unknown extension, not critical',
      [harmless],
      'pass',
      /^cert has extensions OpenSSL accepts$/,
    ],
  ];
  for (const [name, extra, status, message] of cases) {
    const cert = await withExtensions(sms, extra);
    const checks = await chainOf(await pki({ leaves: { cert } }));
    t.test(name, async (t) => expect(t, checks, 'cert', 'extensions', status, [message]));
  }

  const noSki = await caCert('CN=No SKI Root', { subjectKeyId: false });
  const caChecks = await chainOf(await under(noSki, [noSki]));
  expect(t, caChecks, 'ca', 'extensions', 'warn', [
    /'CN=No SKI Root' has no subject key identifier/,
    /strict verifiers/,
  ]);
  const bareRoot = await caCert('CN=Bare Root', { basicConstraints: false });
  const bareChecks = await chainOf(await under(bareRoot, [bareRoot]));
  expect(t, bareChecks, 'ca', 'is-ca', 'fail', [
    new RegExp(
      "'CN=Bare Root' has no basicConstraints extension \\(OpenSSL still trusts such a root; " +
        'strict verifiers and RFC 5280 do not\\)',
    ),
  ]);
});

t.test('a signature algorithm certkey does not know is skipped, not failed', async (t) => {
  const cert = await leaf('cert', sms);
  const der = Buffer.from(
    cert.pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join(''),
    'base64',
  );
  const oid = Buffer.from('2a8648ce3d040302', 'hex');
  for (let at = der.indexOf(oid); at >= 0; at = der.indexOf(oid, at + 1))
    der[at + oid.length - 1] = 0x09;
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
  const checks = await chainOf(await pki({ leaves: { cert: { ...cert, pem } } }));
  expect(t, checks, 'cert', 'signature', 'skip', [
    new RegExp(
      'cannot verify 1\\.2\\.840\\.10045\\.4\\.3\\.9 signatures ' +
        '\\(a limit of certkey, not a defect ' +
        'of the bundle\\)',
    ),
  ]);
});
