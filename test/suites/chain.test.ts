import t, { type Test } from 'tap';
import { makeCert, makeKey, keyIdOf, type Issued } from '../../src/gen/pki.js';
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
}

t.test('a healthy bundle passes every chain check', async (t) => {
  const checks = await chainOf(healthy);
  t.same(
    checks.filter((check) => check.status !== 'pass'),
    [],
  );
  t.equal(checks.length, 8 + 3 * 5);
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
  const noBc = await caCert('CN=No Constraints', { ca: true, basicConstraints: false });
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
      'signatures',
      [
        /the signature of ca certificate 2 of 3 'CN=Ladder CA 1' does not verify with the key of 'CN=Ladder Root' \(sha256:/,
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
      'a root without basicConstraints',
      under(noBc, [noBc]),
      'is-ca',
      [/'CN=No Constraints' has no basicConstraints extension/],
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
        /'CN=Ladder Root' allows 0 intermediate CA\(s\) below it \(pathLenConstraint 0\) but has 2: 'CN=Ladder CA 2', 'CN=Ladder CA 1'/,
      ],
    ],
    [
      'intermediates in the wrong order',
      under(bottom, [middle, bottom, top]),
      'order',
      [
        /intermediates in the wrong order: 'CN=Ladder CA 1', 'CN=Ladder CA 2', 'CN=Ladder Root'; each certificate should come right before its issuer: 'CN=Ladder CA 2', 'CN=Ladder CA 1', 'CN=Ladder Root'/,
      ],
    ],
    [
      'an unrelated certificate',
      under(sms, [sms, otherRoot]),
      'extra',
      [
        /an extra certificate unrelated to the chain of any leaf: ca certificate 2 of 2 'CN=Other Root' \(sha256:[0-9a-f]{16}…\)/,
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
        /^cert is issued by 'CN=Stranger CA' but ca holds only 'CN=SMS Test Root CA': its issuer is missing$/,
      ],
    ],
    [
      'a wrong authority key id',
      leaf('cert', sms, { authorityKeyId: new Uint8Array(20).fill(7) }),
      'key-id',
      'fail',
      [/names its issuer's key as 0707070707/, /has key identifier [0-9a-f]{40}/],
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
        /^the signature of cert does not verify with the key of 'CN=SMS Test Root CA' \(sha256:[0-9a-f]{16}…\): it was signed by a different CA with the same name$/,
      ],
    ],
    [
      'signed by a same-named CA: no path',
      leaf('cert', impostor),
      'path',
      'fail',
      [
        /reaches no self-signed root: the signature of cert does not verify with the key of 'CN=SMS Test Root CA'/,
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
  t.equal(skipped.length, 5);
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
