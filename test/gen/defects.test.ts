/**
 * Each catalogue entry builds a bundle that really has its defect, and nothing else wrong
 * that the probes can see. What the suites make of each is the end-to-end test's business.
 */
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import forge from 'node-forge';
import t from 'tap';
import { DEFECTS } from '../../src/gen/defects.js';
import { keyLease } from '../../src/gen/parts.js';
import { ALL_FIELDS, SUITE_NAMES } from '../../src/model.js';

type Fields = Record<string, string>;
type Probe = (f: Fields) => boolean;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const DAY = 86400_000;

const certs = (text = '') => (text.match(PEM_BLOCK) ?? []).map((p) => new NodeCertificate(p));
const one = (text = '') => new NodeCertificate(text);
const view = (text = '') => new x509.X509Certificate(text);
const caOf = (f: Fields) => certs(f.ca_cert ?? f.ca)[0] ?? one('');
const signedByCa = (f: Fields, field: string) => one(f[field]).verify(caOf(f).publicKey);
const ext = <T extends x509.Extension>(
  text: string | undefined,
  type: new (raw: BufferSource) => T,
) => view(text).getExtension(type);
const ekus = (text?: string) => ext(text, x509.ExtendedKeyUsageExtension)?.usages ?? [];
const usage = (text?: string) => ext(text, x509.KeyUsagesExtension)?.usages ?? 0;
const matches = (f: Fields, cert: string, key: string) =>
  createPublicKey(createPrivateKey(f[key] ?? '')).equals(one(f[cert]).publicKey);
const sigOid = (text?: string) => forge.pki.certificateFromPem(text ?? '').siginfo.algorithmOid;
const notAfterOf = (text?: string) => view(text).notAfter.getTime();

const PROBES: Record<string, Probe> = {
  'missing-field': (f) => !('target_data_private_key' in f),
  'empty-field': (f) => f.cert === '',
  'not-pem': (f) =>
    !f.target_mgmt_cert?.includes('-----') && /^[A-Za-z0-9+/=]+$/.test(f.target_mgmt_cert ?? ''),
  'key-in-cert-field': (f) => /PRIVATE KEY/.test(f.target_data_cert ?? ''),
  'cert-in-key-field': (f) => /^-----BEGIN CERTIFICATE-----/.test(f.private_key ?? ''),
  'encrypted-key': (f) => /ENCRYPTED/.test(f.target_mgmt_private_key ?? ''),
  'utf16-text': (f) => f.cert?.startsWith('\xff\xfe-\0-\0') === true,
  'escaped-newlines': (f) => f.target_mgmt_cert?.includes('-----\\nMII') === true,
  'two-certs-in-field': (f) => certs(f.target_data_cert).length === 2,
  'crlf-line-ends': (f) => f.cert?.includes('-----\r\nMII') === true && signedByCa(f, 'cert'),
  'utf8-bom': (f) => Object.values(f).every((v) => v.startsWith('\ufeff-----BEGIN')),
  'trailing-spaces': (f) => f.cert?.includes('-----  \nMII') === true,
  'ca-field-named-ca': (f) => 'ca' in f && !('ca_cert' in f) && signedByCa(f, 'cert'),
  'pkcs8-keys': (f) =>
    /^-----BEGIN PRIVATE KEY/.test(f.private_key ?? '') && matches(f, 'cert', 'private_key'),
  'ec-sec1-keys': (f) =>
    /^-----BEGIN EC PRIVATE KEY/.test(f.target_data_private_key ?? '') &&
    view(f.ca_cert).signatureAlgorithm.name === 'ECDSA',
  'ec-pkcs8-keys': (f) =>
    /^-----BEGIN PRIVATE KEY/.test(f.private_key ?? '') &&
    createPrivateKey(f.private_key ?? '').asymmetricKeyType === 'ec',
  'ed25519-keys': (f) =>
    createPrivateKey(f.private_key ?? '').asymmetricKeyType === 'ed25519' && signedByCa(f, 'cert'),
  'rsa-pss-signatures': (f) =>
    view(f.cert).signatureAlgorithm.name === 'RSA-PSS' && signedByCa(f, 'cert'),
  'root-and-intermediate': (f) => {
    const [mid, root] = certs(f.ca_cert);
    return (
      !!mid &&
      !!root &&
      mid.checkIssued(root) &&
      one(f.cert).checkIssued(mid) &&
      one(f.cert).verify(mid.publicKey)
    );
  },
  'source-key-mismatch': (f) =>
    !matches(f, 'cert', 'private_key') && matches(f, 'target_mgmt_cert', 'target_mgmt_private_key'),
  'crossed-target-keys': (f) =>
    matches(f, 'target_mgmt_cert', 'target_data_private_key') &&
    matches(f, 'target_data_cert', 'target_mgmt_private_key'),
  'leaf-signed-by-other-ca': (f) =>
    !signedByCa(f, 'target_data_cert') && signedByCa(f, 'target_mgmt_cert'),
  'impostor-ca': (f) =>
    !signedByCa(f, 'target_mgmt_cert') &&
    view(f.target_mgmt_cert).issuer === view(f.ca_cert).subject &&
    ext(f.target_mgmt_cert, x509.AuthorityKeyIdentifierExtension)?.keyId ===
      ext(f.ca_cert, x509.SubjectKeyIdentifierExtension)?.keyId,
  'aki-mismatch': (f) =>
    signedByCa(f, 'cert') &&
    ext(f.cert, x509.AuthorityKeyIdentifierExtension)?.keyId !==
      ext(f.ca_cert, x509.SubjectKeyIdentifierExtension)?.keyId,
  'ca-field-intermediate-only': (f) =>
    certs(f.ca_cert).length === 1 &&
    view(f.ca_cert).subject !== view(f.ca_cert).issuer &&
    signedByCa(f, 'cert'),
  'intermediates-out-of-order': (f) => {
    const [first, second, root] = certs(f.ca_cert);
    return (
      !!first &&
      !!second &&
      !!root &&
      second.checkIssued(first) &&
      first.checkIssued(root) &&
      one(f.cert).checkIssued(second)
    );
  },
  'unrelated-cert-in-ca-field': (f) => certs(f.ca_cert).length === 2 && signedByCa(f, 'cert'),
  'ca-without-basic-constraints': (f) =>
    !ext(f.ca_cert, x509.BasicConstraintsExtension) && signedByCa(f, 'cert'),
  'ca-without-key-cert-sign': (f) =>
    (usage(f.ca_cert) & x509.KeyUsageFlags.keyCertSign) === 0 &&
    ext(f.ca_cert, x509.BasicConstraintsExtension)?.ca === true,
  'path-length-exceeded': (f) => {
    const [, root] = f.ca_cert?.match(PEM_BLOCK) ?? [];
    return (
      ext(root, x509.BasicConstraintsExtension)?.pathLength === 0 && certs(f.ca_cert).length === 2
    );
  },
  'expired-ca': (f) => notAfterOf(f.ca_cert) < Date.now() && notAfterOf(f.cert) > Date.now(),
  'leaf-named-like-ca': (f) =>
    view(f.target_mgmt_cert).subject === view(f.ca_cert).subject &&
    signedByCa(f, 'target_mgmt_cert'),
  'expired-leaf': (f) => notAfterOf(f.target_data_cert) < Date.now(),
  'not-yet-valid': (f) => view(f.cert).notBefore.getTime() > Date.now(),
  'expires-soon': (f) =>
    notAfterOf(f.target_mgmt_cert) < Date.now() + 30 * DAY &&
    notAfterOf(f.target_mgmt_cert) > Date.now(),
  'not-after-2050': (f) =>
    ['ca_cert', 'cert', 'target_mgmt_cert', 'target_data_cert'].every(
      (n) => view(f[n]).notAfter.getUTCFullYear() >= 2050,
    ),
  'not-after-2049': (f) => view(f.cert).notAfter.toISOString() === '2049-12-31T23:59:59.000Z',
  'source-server-auth-only': (f) => ekus(f.cert).join() === x509.ExtendedKeyUsage.serverAuth,
  'target-client-auth-only': (f) =>
    ekus(f.target_data_cert).join() === x509.ExtendedKeyUsage.clientAuth,
  'target-code-signing': (f) =>
    ekus(f.target_mgmt_cert).join() === x509.ExtendedKeyUsage.codeSigning,
  'leaf-is-ca': (f) => one(f.target_data_cert).ca,
  'rsa-target-without-digital-signature': (f) =>
    usage(f.target_mgmt_cert) === x509.KeyUsageFlags.keyEncipherment,
  'ec-target-key-agreement-only': (f) =>
    usage(f.target_data_cert) === x509.KeyUsageFlags.keyAgreement &&
    one(f.target_data_cert).publicKey.asymmetricKeyType === 'ec' &&
    matches(f, 'target_data_cert', 'target_data_private_key'),
  'rsa-1024-leaf': (f) =>
    one(f.cert).publicKey.asymmetricKeyDetails?.modulusLength === 1024 &&
    matches(f, 'cert', 'private_key'),
  'sha1-signature': (f) =>
    sigOid(f.target_mgmt_cert) === forge.pki.oids.sha1WithRSAEncryption &&
    signedByCa(f, 'target_mgmt_cert'),
  'md5-signature': (f) =>
    sigOid(f.target_data_cert) === forge.pki.oids.md5WithRSAEncryption &&
    signedByCa(f, 'target_data_cert'),
};

t.test('the catalogue is consistent', async (t) => {
  t.same(Object.keys(PROBES).sort(), Object.keys(DEFECTS).sort(), 'every entry has a probe');
  for (const [name, defect] of Object.entries(DEFECTS)) {
    t.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${name} is kebab-case`);
    t.ok(defect.description.length > 10, `${name} is described`);
    if (defect.healthy)
      t.same([defect.fails, defect.mayFail ?? [], defect.warns ?? []], [[], [], []]);
    else t.ok(defect.fails.length + (defect.warns?.length ?? 0) > 0, `${name} expects something`);
    for (const pair of [...defect.fails, ...(defect.mayFail ?? []), ...(defect.warns ?? [])]) {
      t.ok(
        SUITE_NAMES.includes(pair.suite) && ALL_FIELDS.includes(pair.subject),
        `${name}: ${pair.suite}/${pair.subject}`,
      );
    }
  }
});

t.test('every defect builds a bundle that has it', async (t) => {
  for (const [name, defect] of Object.entries(DEFECTS)) {
    const fields = await defect.build({ take: keyLease() });
    const probe = PROBES[name];
    t.ok(probe && probe(fields), `${name}: ${defect.description}`);
  }
});
