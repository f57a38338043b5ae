import t from 'tap';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { keyToPem, makeKey, type KeyPair } from '../../src/gen/pki.js';
import { pairSuite } from '../../suites/pair.js';
import { parseBundle } from '../../suites/parse.js';
import { leaf, parsed, pick, pki, rawOf, root, runSuite } from './fixtures.js';

const issuer = await root();

/** DER length and TLV, enough to rewrap a PKCS#1 key as PKCS#8 under another OID. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

t.test('each certificate and its key hold the same public key, whatever the type', async (t) => {
  const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  const pssPair: KeyPair = { ...pss, spec: { type: 'rsa' } };
  const kinds: [string, KeyPair, 'pkcs1' | 'pkcs8' | 'sec1'][] = [
    ['RSA in PKCS#1', await makeKey({ type: 'rsa' }), 'pkcs1'],
    ['EC P-256 in SEC1', await makeKey({ type: 'ec' }), 'sec1'],
    ['EC P-521 in PKCS#8', await makeKey({ type: 'ec', curve: 'P-521' }), 'pkcs8'],
    ['Ed25519', await makeKey({ type: 'ed25519' }), 'pkcs8'],
    ['an RSA-PSS key', pssPair, 'pkcs8'],
  ];
  for (const [name, key, form] of kinds) {
    const parts = await pki({ leaves: { cert: await leaf('cert', issuer, {}, key) } });
    const bundle = parsed(parts, { private_key: keyToPem(key, form) });
    const check = pick(await runSuite(pairSuite, bundle), 'cert', 'key-match');
    t.equal(check.status, 'pass', `${name}: passes`);
    t.equal(check.suite, 'pair');
    t.match(
      check.message,
      /^cert and private_key hold the same .* sha256:[0-9a-f]{16}… public key$/,
    );
  }
});

t.test('an RSA key labelled RSASSA-PSS pairs with the rsaEncryption certificate', async (t) => {
  const rsa = await makeKey({ type: 'rsa' });
  const parts = await pki({ leaves: { cert: await leaf('cert', issuer, {}, rsa) } });
  const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'der' });
  const pssOid = Buffer.from('06092a864886f70d01010a', 'hex');
  const pkcs8 = tlv(
    0x30,
    Buffer.concat([Buffer.from('020100', 'hex'), tlv(0x30, pssOid), tlv(0x04, pkcs1)]),
  );
  t.equal(
    createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).asymmetricKeyType,
    'rsa-pss',
  );
  const base64 = pkcs8.toString('base64');
  const pem = `-----BEGIN PRIVATE KEY-----\n${base64}\n-----END PRIVATE KEY-----\n`;

  const check = pick(
    await runSuite(pairSuite, parsed(parts, { private_key: pem })),
    'cert',
    'key-match',
  );
  t.equal(check.status, 'pass');
});

t.test("a key that is not the certificate's fails with both fingerprints", async (t) => {
  const parts = await pki();
  const stranger = await makeKey({ type: 'ec' });
  const rsa = await makeKey({ type: 'rsa' });
  const cases: [string, string, RegExp][] = [
    [
      'a key from another task',
      keyToPem(stranger, 'pkcs8'),
      new RegExp(
        '^cert holds an EC P-256 sha256:[0-9a-f]{16}… public key but private_key is the ' +
          'private key of an EC P-256 sha256:[0-9a-f]{16}… public key: they are not a pair$',
      ),
    ],
    [
      'a key of another type',
      keyToPem(rsa, 'pkcs1'),
      /but private_key is the private key of an RSA-2048 sha256:/,
    ],
    [
      'the keys of two leaves swapped',
      keyToPem(parts.leaves.target_mgmt_cert.key, 'pkcs8'),
      /they are not a pair; it is the key of target_mgmt_cert: the keys are swapped$/,
    ],
  ];
  for (const [name, pem, message] of cases) {
    const check = pick(
      await runSuite(pairSuite, parsed(parts, { private_key: pem })),
      'cert',
      'key-match',
    );
    t.equal(check.status, 'fail', `${name}: fails`);
    t.equal(check.subject, 'cert', `${name}: about the certificate field`);
    t.match(check.message, message, `${name}: says which keys`);
    t.match(check.remedy, /put the private key issued with cert in private_key/);
    const certPrint = check.message.match(/sha256:[0-9a-f]{16}/g) ?? [];
    t.equal(new Set(certPrint).size, 2, `${name}: two different fingerprints`);
  }
});

t.test('a redacted bundle pairs with the public key it kept', async (t) => {
  const parts = await pki();
  const spki = createPublicKey(parts.leaves.target_data_cert.key.privateKey).export({
    type: 'spki',
    format: 'pem',
  });
  const raw = { ...rawOf(parts, { target_data_private_key: spki.toString() }), redacted: true };
  const check = pick(
    await runSuite(pairSuite, parseBundle(raw).bundle),
    'target_data_cert',
    'key-match',
  );
  t.equal(check.status, 'pass');
  t.match(check.message, /\(the public key a redacted bundle kept\)/);
});

t.test('skips, naming the field, when a side did not parse', async (t) => {
  const parts = await pki();
  const noCert = pick(
    await runSuite(pairSuite, parsed(parts, { target_mgmt_cert: 'junk' })),
    'target_mgmt_cert',
    'key-match',
  );
  t.equal(noCert.status, 'skip');
  t.equal(noCert.message, 'skipped: target_mgmt_cert did not parse (see the parse suite)');
  const noKey = pick(
    await runSuite(pairSuite, parsed(parts, { target_mgmt_private_key: undefined })),
    'target_mgmt_cert',
    'key-match',
  );
  t.equal(noKey.status, 'skip');
  t.equal(noKey.message, 'skipped: target_mgmt_private_key did not parse (see the parse suite)');
});
