import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { makeCert, makeKey, type Issued, type KeyPair } from '../../src/gen/pki.js';
import { strengthSuite } from '../../suites/strength.js';
import { leaf, parsed, pick, pki, root, runSuite } from './fixtures.js';

const sms = await root();
const rsaKey = await makeKey({ type: 'rsa' });
const rsaRoot = await makeCert({ subject: 'CN=RSA Root', key: rsaKey, ca: true });

/** A certificate whose signature OIDs are rewritten to one nobody knows (1.2.840.10045.4.3.9). */
function unknownSignature(cert: Issued): Issued {
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
  const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return { ...cert, pem: `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n` };
}

t.test('the key of each leaf is judged against OpenSSL security levels', async (t) => {
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const secp256k1: KeyPair = { ...k1, spec: { type: 'ec' } };
  const cases: [string, KeyPair, string, RegExp][] = [
    ['RSA-2048', rsaKey, 'pass', /^cert has an RSA-2048 key$/],
    ['EC P-256', await makeKey({ type: 'ec' }), 'pass', /^cert has an EC P-256 key$/],
    ['EC P-384', await makeKey({ type: 'ec', curve: 'P-384' }), 'pass', /EC P-384/],
    ['EC P-521', await makeKey({ type: 'ec', curve: 'P-521' }), 'pass', /EC P-521/],
    ['Ed25519', await makeKey({ type: 'ed25519' }), 'pass', /^cert has an Ed25519 key$/],
    [
      'RSA-1024',
      await makeKey({ type: 'rsa', bits: 1024 }),
      'fail',
      new RegExp(
        '^cert has an RSA-1024 key: 1024 bits is refused at OpenSSL security level 2, the ' +
          'default of OpenSSL 3\\.2 and later \\(Node 22\\/24 ship 3\\.5\\), which wants 2048$',
      ),
    ],
    [
      'RSA-512',
      await makeKey({ type: 'rsa', bits: 512 }),
      'fail',
      /512 bits is refused at OpenSSL security level 1 and up/,
    ],
    [
      'EC secp256k1',
      secp256k1,
      'fail',
      /^cert has an EC key on secp256k1: TLS peers accept P-256, P-384 or P-521 for certificates$/,
    ],
  ];
  for (const [name, key, status, message] of cases) {
    const parts = await pki({ leaves: { cert: await leaf('cert', sms, {}, key) } });
    const check = pick(await runSuite(strengthSuite, parsed(parts)), 'cert', 'key');
    t.equal(check.status, status, `${name}: ${status}`);
    t.equal(check.suite, 'strength');
    t.match(check.message, message, `${name}: message`);
    if (status === 'fail') t.match(check.remedy, /reissue/);
  }
});

t.test('no MD5 or SHA-1 signatures; RSA-PSS is healthy', async (t) => {
  const pssKey: KeyPair = { ...rsaKey, spec: { type: 'rsa-pss' } };
  const pssRoot = await makeCert({ subject: 'CN=PSS Root', key: pssKey, ca: true });
  const cases: [string, Promise<Issued>, string, RegExp][] = [
    ['ECDSA with SHA-256', leaf('cert', sms), 'pass', /^cert is signed with ecdsa-with-SHA256$/],
    ['RSA with SHA-256', leaf('cert', rsaRoot, {}, rsaKey), 'pass', /sha256WithRSAEncryption/],
    [
      'RSA-PSS with SHA-256',
      leaf('cert', pssRoot),
      'pass',
      /^cert is signed with RSASSA-PSS with SHA-256$/,
    ],
    [
      'ECDSA with SHA-1',
      leaf('cert', sms, { hash: 'SHA-1' }),
      'fail',
      new RegExp(
        '^cert is signed with ecdsa-with-SHA1: SHA-1 signatures are refused at security level ' +
          '1 and up in OpenSSL 3\\.x, so the handshake fails$',
      ),
    ],
    [
      'RSA with SHA-1',
      leaf('cert', rsaRoot, { hash: 'SHA-1' }, rsaKey),
      'fail',
      /sha1WithRSAEncryption: SHA-1 signatures are refused/,
    ],
    [
      'RSA with MD5',
      leaf('cert', rsaRoot, { hash: 'MD5' }, rsaKey),
      'fail',
      new RegExp(
        '^cert is signed with md5WithRSAEncryption: MD5 signatures are refused at OpenSSL ' +
          'security level 1 and up',
      ),
    ],
  ];
  for (const [name, cert, status, message] of cases) {
    const parts = await pki({ leaves: { cert: await cert } });
    const check = pick(await runSuite(strengthSuite, parsed(parts)), 'cert', 'signature-hash');
    t.equal(check.status, status, `${name}: ${status}`);
    t.match(check.message, message, `${name}: message`);
    if (status === 'fail') t.match(check.remedy, /SHA-256/);
  }
});

t.test(
  "the CA certificates are checked too; a root's own SHA-1 self-signature only warns",
  async (t) => {
    const sha1Root = await makeCert({
      subject: 'CN=SHA1 Root',
      key: await makeKey({ type: 'ec' }),
      ca: true,
      hash: 'SHA-1',
    });
    const sha1Middle = await makeCert({
      subject: 'CN=SHA1 CA',
      key: await makeKey({ type: 'rsa', bits: 1024 }),
      issuer: sms,
      ca: true,
      hash: 'SHA-1',
    });
    const checks = await runSuite(strengthSuite, parsed(await pki({ ca: [sha1Middle, sms] })));
    const middleHash = pick(checks, 'ca', 'signature-hash#1');
    t.equal(middleHash.status, 'fail');
    t.match(
      middleHash.message,
      /^ca certificate 1 of 2 'CN=SHA1 CA' is signed with ecdsa-with-SHA1: SHA-1 signatures/,
    );
    const middleKey = pick(checks, 'ca', 'key#1');
    t.equal(middleKey.status, 'fail');
    t.match(middleKey.message, /'CN=SHA1 CA' has an RSA-1024 key/);
    t.equal(pick(checks, 'ca', 'key#2').status, 'pass');

    const rootChecks = await runSuite(strengthSuite, parsed(await pki({ ca: [sha1Root] })));
    const rootHash = pick(rootChecks, 'ca', 'signature-hash');
    t.equal(rootHash.status, 'warn');
    t.match(rootHash.message, /OpenSSL does not check the self-signature of a trusted root/);
  },
);

t.test('an algorithm certkey does not know is skipped, not failed', async (t) => {
  const odd = unknownSignature(await leaf('cert', sms));
  const checks = await runSuite(strengthSuite, parsed(await pki({ leaves: { cert: odd } })));
  const check = pick(checks, 'cert', 'signature-hash');
  t.equal(check.status, 'skip');
  t.match(
    check.message,
    new RegExp(
      'does not know the signature algorithm 1\\.2\\.840\\.10045\\.4\\.3\\.9 ' +
        'of cert \\(a limit of ' +
        'certkey, not a defect of the bundle\\)',
    ),
  );
  t.equal(pick(checks, 'cert', 'key').status, 'pass');
});

t.test('skips, naming the field, when it did not parse', async (t) => {
  const checks = await runSuite(strengthSuite, parsed(await pki(), { ca: '' }));
  t.equal(pick(checks, 'ca', 'key').message, 'skipped: ca did not parse (see the parse suite)');
  t.equal(pick(checks, 'ca', 'signature-hash').status, 'skip');
});
