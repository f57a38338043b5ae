/**
 * The usage suite: each leaf may do what its role needs. The source (`cert`) is the TLS
 * client, the targets are TLS servers (ROLE_OF). OpenSSL checks the purpose of a peer's
 * leaf in every handshake (RFC 5280 4.2.1.12 extendedKeyUsage, 4.2.1.3 keyUsage).
 */
import { checker, leafFields, notParsed } from '../src/checks/common.js';
import { ANY_EKU, EKU_NAMES, keyUsageNames } from '../src/checks/key-usage.js';
import { ROLE_OF, type Check, type LeafField, type ParsedCert, type Suite } from '../src/model.js';
import { publicKeyOf } from '../src/parse/describe.js';
import { x509 } from '../src/parse/x509.js';
import { extensionOf } from '../src/parse/extensions.js';

const check = checker('usage');

const PURPOSE = {
  client: { oid: '1.3.6.1.5.5.7.3.2', name: 'clientAuth', use: 'TLS client' },
  server: { oid: '1.3.6.1.5.5.7.3.1', name: 'serverAuth', use: 'TLS server' },
} as const;

/** The leaf's extendedKeyUsage allows its role's purpose. */
export function checkEku(field: LeafField, cert: ParsedCert): Check {
  const purpose = PURPOSE[ROLE_OF[field]];
  const extension = extensionOf(cert, x509.ExtendedKeyUsageExtension);
  if (!extension) {
    return check.pass(
      field,
      'eku',
      `${field} has no extendedKeyUsage, so ${purpose.use} use is allowed`,
    );
  }

  const oids = extension.usages.map(String);
  const names = oids.map((oid) => EKU_NAMES[oid] ?? oid).join(', ');
  if (oids.includes(purpose.oid)) {
    return check.pass(
      field,
      'eku',
      `${field} allows ${purpose.use} use (extendedKeyUsage ${names})`,
    );
  }
  const anyOnly = oids.includes(ANY_EKU)
    ? ': OpenSSL does not accept anyExtendedKeyUsage in place of it'
    : '';
  return check.fail(
    field,
    'eku',
    `${field} is the ${purpose.use} but its extendedKeyUsage (${names}) lacks ` +
      `${purpose.name}${anyOnly}; the handshake fails with "unsuitable certificate purpose"`,
    `reissue ${field} with extendedKeyUsage ${purpose.name}`,
  );
}

/** The leaf's keyUsage, when present, allows signing, as TLS 1.3 and ECDHE need. */
export function checkKeyUsage(field: LeafField, cert: ParsedCert): Check {
  const usages = keyUsageNames(cert);
  if (usages === null) {
    return check.pass(
      field,
      'key-usage',
      `${field} has no keyUsage extension, so signing is allowed`,
    );
  }
  if (usages.includes('digitalSignature')) {
    return check.pass(field, 'key-usage', `${field} has keyUsage ${usages.join(', ')}`);
  }

  const has = usages.length === 0 ? 'an empty keyUsage' : `keyUsage ${usages.join(', ')}`;
  const ec = publicKeyOf(cert)?.asymmetricKeyType === 'ec';
  const why =
    ec && ROLE_OF[field] === 'server' && usages.includes('keyAgreement')
      ? 'an EC server key limited to keyAgreement is refused by OpenSSL in TLS 1.2 (ECDHE-ECDSA ' +
        'needs digitalSignature; static ECDH suites are gone) and TLS 1.3 signs with the key'
      : 'TLS 1.3 and ECDHE key exchange sign the handshake with this key';
  return check.fail(
    field,
    'key-usage',
    `${field} has ${has} without digitalSignature: ${why}`,
    `reissue ${field} with keyUsage digitalSignature (plus keyEncipherment for RSA keys)`,
  );
}

/** The leaf is not a CA. */
export function checkNotCa(field: LeafField, cert: ParsedCert): Check {
  const constraints = extensionOf(cert, x509.BasicConstraintsExtension);
  if (!constraints?.ca) {
    return check.pass(field, 'not-ca', `${field} is an end-entity certificate (not a CA)`);
  }
  return check.fail(
    field,
    'not-ca',
    `${field} has basicConstraints cA=TRUE: a TLS leaf must be an end-entity certificate`,
    `reissue ${field} with basicConstraints CA:FALSE`,
  );
}

/** The usage suite. */
export const usageSuite: Suite = {
  name: 'usage',
  async run({ bundle }) {
    return leafFields(bundle).flatMap((field) => {
      const cert = bundle.leaves[field];
      if (!cert) {
        return ['eku', 'key-usage', 'not-ca'].map((name) =>
          check.skip(field, name, notParsed(field)),
        );
      }
      return [checkEku(field, cert), checkKeyUsage(field, cert), checkNotCa(field, cert)];
    });
  },
};
