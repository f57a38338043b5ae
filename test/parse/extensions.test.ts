import { webcrypto } from 'node:crypto';
import t from 'tap';
import { readCertificate } from '../../src/parse/cert.js';
import { extensionsOf } from '../../src/parse/extensions.js';
import { x509 } from '../../src/parse/x509.js';
import type { ParsedCert } from '../../src/model.js';

/** Every extension class @peculiar/x509 registers, and one OID it does not know. */
function everyKind(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, 1, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1'], false),
    new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'ca.example' }], false),
    new x509.IssuerAlternativeNameExtension([{ type: 'dns', value: 'root.example' }], false),
    new x509.CRLDistributionPointsExtension(['http://crl.example/ca.crl']),
    new x509.CertificatePolicyExtension(['2.5.29.32.0']),
    new x509.SubjectKeyIdentifierExtension('0102030405060708090a0b0c0d0e0f1011121314'),
    new x509.AuthorityKeyIdentifierExtension('1112131415161718191a1b1c1d1e1f2021222324'),
    new x509.AuthorityInfoAccessExtension({ ocsp: ['http://ocsp.example'] }),
    new x509.Extension('1.2.3.4.5', false, new Uint8Array([0x05, 0x00])),
  ];
}

async function certWith(extensions: x509.Extension[]): Promise<ParsedCert> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const made = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=every extension',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
    keys: keys as CryptoKeyPair,
    signingAlgorithm: algorithm,
    extensions,
  });
  const read = readCertificate('ca', Buffer.from(made.rawData), 'ca');
  if (!read.ok) throw new Error(`the test certificate does not read: ${read.message}`);
  return read.cert;
}

function summary(extension: x509.Extension) {
  return {
    kind: extension.constructor.name,
    type: extension.type,
    critical: extension.critical,
    value: Buffer.from(extension.value).toString('hex'),
  };
}

t.test('each extension decodes to what the parsed view and ExtensionFactory give', async (t) => {
  const cert = await certWith(everyKind());
  const { list, malformed } = extensionsOf(cert);

  t.same(malformed, [], 'nothing is malformed');
  t.equal(list.length, 11, 'every extension is listed, in order');
  t.same(list.map(summary), cert.x509.extensions.map(summary), 'as the parsed view lists them');
  for (const extension of list) {
    const factory = x509.ExtensionFactory.create(extension.rawData);
    t.same(summary(extension), summary(factory), `${extension.type} as the factory decodes it`);
  }
  t.equal(extensionsOf(cert), extensionsOf(cert), 'decoded once per certificate');
});

t.test(
  'an extension that does not decode is listed as malformed, the others still judged',
  async (t) => {
    const broken = new x509.Extension('2.5.29.19', true, new Uint8Array([0x04, 0x00]));
    const cert = await certWith([broken, new x509.KeyUsagesExtension(1, true)]);
    const { list, malformed } = extensionsOf(cert);

    t.same(malformed, [{ oid: '2.5.29.19', critical: true }]);
    t.same(
      list.map((extension) => extension.constructor.name),
      ['KeyUsagesExtension'],
    );
  },
);
