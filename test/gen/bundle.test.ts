import 'reflect-metadata';
import { createPrivateKey, createPublicKey, X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import t from 'tap';
import { CertkeyError } from '../../src/errors.js';
import { generateBundle } from '../../src/gen/bundle.js';

const FIELD_ORDER = [
  'ca_cert',
  'cert',
  'private_key',
  'target_mgmt_cert',
  'target_mgmt_private_key',
  'target_data_cert',
  'target_data_private_key',
];

const LEAVES = [
  ['cert', 'private_key', x509.ExtendedKeyUsage.clientAuth],
  ['target_mgmt_cert', 'target_mgmt_private_key', x509.ExtendedKeyUsage.serverAuth],
  ['target_data_cert', 'target_data_private_key', x509.ExtendedKeyUsage.serverAuth],
] as const;

t.test('a healthy bundle is shaped as the SMS reply', async (t) => {
  const bundle = await generateBundle();
  t.same(Object.keys(bundle), FIELD_ORDER, 'the fields and order of the API example');
  for (const [name, text] of Object.entries(bundle)) {
    t.match(text, /^-----BEGIN [A-Z ]+-----\n[\s\S]+\n-----END [A-Z ]+-----$/, `${name} is PEM`);
    t.notMatch(text, /\r|\n$/, `${name} has \\n line ends and no final newline`);
  }

  const ca = new NodeCertificate(bundle.ca_cert ?? '');
  const caView = new x509.X509Certificate(bundle.ca_cert ?? '');
  t.equal(ca.ca, true);
  t.equal(caView.subject, 'CN=SMS CA');
  t.equal(
    caView.getExtension(x509.KeyUsagesExtension)?.usages,
    x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
  );
  const caSki = caView.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  t.ok(caSki, 'the CA has a subject key identifier');

  for (const [certField, keyField, eku] of LEAVES) {
    const pem = bundle[certField] ?? '';
    const keyPem = bundle[keyField] ?? '';
    const leaf = new NodeCertificate(pem);
    const view = new x509.X509Certificate(pem);

    t.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), `${certField} is signed by the CA`);
    t.equal(leaf.ca, false, `${certField} is not a CA`);
    t.same(view.getExtension(x509.ExtendedKeyUsageExtension)?.usages, [eku]);
    t.equal(
      view.getExtension(x509.KeyUsagesExtension)?.usages,
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
    t.equal(view.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, caSki);
    t.ok(view.getExtension(x509.SubjectKeyIdentifierExtension), `${certField} has an SKI`);

    t.match(keyPem, /^-----BEGIN RSA PRIVATE KEY-----\n/, `${keyField} is PKCS#1`);
    const key = createPrivateKey(keyPem);
    t.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    t.ok(createPublicKey(key).equals(leaf.publicKey), `${keyField} belongs to ${certField}`);
  }

  for (const target of ['target_mgmt_cert', 'target_data_cert']) {
    const san = new NodeCertificate(bundle[target] ?? '').subjectAltName;
    t.equal(san, 'DNS:localhost, IP Address:127.0.0.1', `${target} names the loopback`);
  }
});

t.test('bundles do not share keys with each other inside', async (t) => {
  const bundle = await generateBundle();
  const moduli = ['private_key', 'target_mgmt_private_key', 'target_data_private_key'].map(
    (field) => createPublicKey(bundle[field] ?? '').export({ format: 'jwk' }).n,
  );
  const caModulus = new NodeCertificate(bundle.ca_cert ?? '').publicKey.export({ format: 'jwk' }).n;
  t.equal(new Set([...moduli, caModulus]).size, 4, 'four distinct keys');
});

t.test('an unknown defect is a usage error naming it', async (t) => {
  const error = await generateBundle({ defect: 'no-such-defect' }).catch((e: unknown) => e);
  t.ok(error instanceof CertkeyError);
  t.equal((error as CertkeyError).code, 'E_USAGE');
  t.match((error as CertkeyError).message, /no-such-defect/);
  t.match((error as CertkeyError).remedy, /--list/);
});
