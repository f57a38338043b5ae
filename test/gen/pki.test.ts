import 'reflect-metadata';
import { createPrivateKey, X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import forge from 'node-forge';
import t from 'tap';
import { keyIdOf, keyToPem, makeCert, makeKey, type Issued } from '../../src/gen/pki.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const view = (issued: Issued) => new x509.X509Certificate(issued.pem);

/** The DER bytes of a certificate, to look at how its dates are encoded. */
function der(issued: Issued): Buffer {
  return Buffer.from(new x509.X509Certificate(issued.pem).rawData);
}

/** Whether DER holds a time value with this tag (0x17 UTCTime, 0x18 GeneralizedTime). */
function hasTime(bytes: Buffer, tag: 0x17 | 0x18, text: string): boolean {
  const encoded = Buffer.concat([Buffer.from([tag, text.length]), Buffer.from(text, 'ascii')]);
  return bytes.includes(encoded);
}

t.test('makeKey makes the key types asked for', async (t) => {
  const rsa = await makeKey();
  t.equal(rsa.privateKey.asymmetricKeyType, 'rsa');
  t.equal(rsa.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
  t.same(rsa.spec, { type: 'rsa' });

  const small = await makeKey({ type: 'rsa', bits: 1024 });
  t.equal(small.publicKey.asymmetricKeyDetails?.modulusLength, 1024);

  const ec = await makeKey({ type: 'ec', curve: 'P-384' });
  t.equal(ec.privateKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');

  const ed = await makeKey({ type: 'ed25519' });
  t.equal(ed.publicKey.asymmetricKeyType, 'ed25519');

  const pss = await makeKey({ type: 'rsa-pss' });
  t.equal(pss.privateKey.asymmetricKeyType, 'rsa', 'an ordinary RSA key that signs with PSS');
});

t.test('a self-signed CA and a leaf it signs', async (t) => {
  const caKey = await makeKey();
  const ca = await makeCert({ subject: 'CN=SMS CA', key: caKey, ca: true, pathLength: 1 });
  const leafKey = await makeKey();
  const leaf = await makeCert({
    subject: 'CN=target',
    key: leafKey,
    issuer: ca,
    extKeyUsage: ['serverAuth'],
    san: ['localhost', '127.0.0.1'],
    serial: '0123456789abcdef',
  });

  const caNode = new NodeCertificate(ca.pem);
  const leafNode = new NodeCertificate(leaf.pem);
  t.equal(caNode.ca, true);
  t.ok(caNode.verify(caKey.publicKey), 'self-signed');
  t.equal(leafNode.ca, false);
  t.ok(leafNode.checkIssued(caNode), 'issued by the CA');
  t.ok(leafNode.verify(caKey.publicKey), 'signed by the CA key');
  t.equal(leafNode.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
  t.equal(leafNode.serialNumber.toLowerCase(), '0123456789abcdef');
  t.equal(leaf.subject, 'CN=target');
  t.equal(leaf.key, leafKey);

  const caView = view(ca);
  const basic = caView.getExtension(x509.BasicConstraintsExtension);
  t.equal(basic?.ca, true);
  t.equal(basic?.pathLength, 1);
  t.equal(basic?.critical, true);
  const caUsage = caView.getExtension(x509.KeyUsagesExtension)?.usages;
  t.equal(caUsage, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);

  const caSki = caView.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  t.equal(caSki, hex(await keyIdOf(caKey.publicKey)), 'SKI is SHA-1 of the key (RFC 5280)');

  const leafView = view(leaf);
  t.equal(leafView.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  const usage = leafView.getExtension(x509.KeyUsagesExtension)?.usages;
  t.equal(usage, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
  t.same(leafView.getExtension(x509.ExtendedKeyUsageExtension)?.usages, [
    x509.ExtendedKeyUsage.serverAuth,
  ]);
  t.equal(leafView.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, caSki);
  t.equal(leafView.signatureAlgorithm.name, 'RSASSA-PKCS1-v1_5');
  t.equal((leafView.signatureAlgorithm as RsaHashedKeyAlgorithm).hash.name, 'SHA-256');
});

t.test('extensions can be left out or set wrong on purpose', async (t) => {
  const key = await makeKey();
  const bare = await makeCert({
    subject: 'CN=bare',
    key,
    basicConstraints: false,
    keyUsage: null,
    extKeyUsage: null,
    subjectKeyId: false,
    authorityKeyId: 'omit',
  });
  t.same(view(bare).extensions, [], 'no extension at all');

  const ski = new Uint8Array(20).fill(7);
  const aki = new Uint8Array(20).fill(9);
  const odd = await makeCert({ subject: 'CN=odd', key, subjectKeyId: ski, authorityKeyId: aki });
  t.equal(view(odd).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId, hex(ski));
  t.equal(view(odd).getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, hex(aki));

  await t.rejects(makeCert({ subject: 'CN=x', key, keyUsage: ['noSuchBit'] }), /noSuchBit/);
});

t.test('dates: UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', async (t) => {
  const key = await makeKey();
  const late = await makeCert({
    subject: 'CN=late',
    key,
    notBefore: new Date('2049-12-31T23:59:59Z'),
    notAfter: new Date('2050-01-01T00:00:00Z'),
  });
  t.ok(hasTime(der(late), 0x17, '491231235959Z'), 'notBefore 2049 as UTCTime');
  t.ok(hasTime(der(late), 0x18, '20500101000000Z'), 'notAfter 2050 as GeneralizedTime');
  t.equal(new NodeCertificate(late.pem).validTo, 'Jan  1 00:00:00 2050 GMT');

  const before = Date.now();
  const plain = await makeCert({ subject: 'CN=plain', key });
  const { notBefore, notAfter } = view(plain);
  t.ok(notBefore.getTime() <= before - 3500_000, 'default notBefore about an hour ago');
  t.ok(notAfter.getTime() >= before + 364 * 86400_000, 'default notAfter about a year on');
});

t.test('signature algorithms follow the signer key and the hash asked for', async (t) => {
  const rsa = await makeKey();
  const ca = await makeCert({ subject: 'CN=CA', key: rsa, ca: true });
  const leafKey = await makeKey();

  const sha1 = await makeCert({ subject: 'CN=a', key: leafKey, issuer: ca, hash: 'SHA-1' });
  t.equal((view(sha1).signatureAlgorithm as RsaHashedKeyAlgorithm).hash.name, 'SHA-1');
  t.ok(new NodeCertificate(sha1.pem).verify(rsa.publicKey));

  const md5 = await makeCert({ subject: 'CN=b', key: leafKey, issuer: ca, hash: 'MD5' });
  const forged = forge.pki.certificateFromPem(md5.pem);
  t.equal(forged.siginfo.algorithmOid, forge.pki.oids.md5WithRSAEncryption);
  t.ok(new NodeCertificate(md5.pem).verify(rsa.publicKey), 'the MD5 signature verifies');
  t.ok(view(md5).getExtension(x509.SubjectKeyIdentifierExtension), 'extensions survive');

  const pssKey = await makeKey({ type: 'rsa-pss' });
  const pssCa = await makeCert({ subject: 'CN=PSS', key: pssKey, ca: true });
  t.equal(view(pssCa).signatureAlgorithm.name, 'RSA-PSS');
  t.ok(new NodeCertificate(pssCa.pem).verify(pssKey.publicKey));

  const ecKey = await makeKey({ type: 'ec', curve: 'P-384' });
  const ecCa = view(await makeCert({ subject: 'CN=EC', key: ecKey, ca: true }));
  t.equal(ecCa.signatureAlgorithm.name, 'ECDSA');
  t.same((ecCa.signatureAlgorithm as EcdsaParams).hash, { name: 'SHA-384' });

  const edKey = await makeKey({ type: 'ed25519' });
  const edCa = await makeCert({ subject: 'CN=Ed', key: edKey, ca: true });
  t.equal(view(edCa).signatureAlgorithm.name, 'Ed25519');
  t.ok(new NodeCertificate(edCa.pem).verify(edKey.publicKey));

  const edLeaf = view(await makeCert({ subject: 'CN=e', key: edKey, issuer: ca }));
  t.equal(edLeaf.signatureAlgorithm.name, 'RSASSA-PKCS1-v1_5', 'the issuer key decides');
  t.equal(edLeaf.getExtension(x509.KeyUsagesExtension)?.usages, 1, 'digitalSignature only');
});

t.test('keyToPem writes each form, encrypted when asked', async (t) => {
  const rsa = await makeKey();
  t.match(keyToPem(rsa, 'pkcs1'), /^-----BEGIN RSA PRIVATE KEY-----\n/);
  t.match(keyToPem(rsa, 'pkcs8'), /^-----BEGIN PRIVATE KEY-----\n/);

  const ec = await makeKey({ type: 'ec' });
  t.match(keyToPem(ec, 'sec1'), /^-----BEGIN EC PRIVATE KEY-----\n/);
  t.throws(() => keyToPem(ec, 'pkcs1'), 'PKCS#1 is RSA only');

  const locked = keyToPem(rsa, 'pkcs8', 'secret');
  t.match(locked, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  t.throws(() => createPrivateKey(locked));
  const opened = createPrivateKey({ key: locked, passphrase: 'secret' });
  t.ok(opened.equals(rsa.privateKey), 'the passphrase opens it');

  t.match(keyToPem(rsa, 'pkcs1', 'secret'), /Proc-Type: 4,ENCRYPTED/);
});
