/**
 * The strength suite: keys and signatures strong enough for the OpenSSL builds users run.
 * OpenSSL's security levels (SSL_CTX_set_security_level): level 1 wants 80-bit security
 * (RSA 1024, no MD5; in OpenSSL 3.x no SHA-1 signatures either), level 2 wants 112-bit
 * (RSA 2048) and is the default of OpenSSL 3.2 and later, so of Node 22/24 (OpenSSL 3.5).
 */
import { caCheckName, checker, leafFields, notParsed } from '../src/checks/common.js';
import { isSelfSigned } from '../src/checks/issuers.js';
import type { Check, ParsedBundle, ParsedCert, Suite } from '../src/model.js';
import { signatureAlgorithmOf } from '../src/parse/algorithms.js';
import { curveName, describeKey, nameOf, publicKeyOf } from '../src/parse/describe.js';

const check = checker('strength');
const GOOD_CURVES = new Set(['P-256', 'P-384', 'P-521']);
const LIMIT = 'a limit of certkey, not a defect of the bundle';

/** The public key is RSA of 2048 bits or more, EC on P-256/P-384/P-521, or Ed25519. */
export function checkKey(cert: ParsedCert, who: string, name: string): Check {
  const subject = cert.field;
  const key = publicKeyOf(cert);
  if (!key) {
    const type = cert.x509.publicKey.algorithm.name;
    return check.skip(
      subject,
      name,
      `skipped: node:crypto cannot load the ${type} key of ${who} (${LIMIT})`,
    );
  }

  const words = describeKey(key);
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits >= 2048) return check.pass(subject, name, `${who} has an ${words} key`);
    const level =
      bits >= 1024
        ? 'security level 2, the default of OpenSSL 3.2 and later (Node 22/24 ship 3.5)'
        : 'security level 1 and up, so by every OpenSSL 3.x default';
    return check.fail(
      subject,
      name,
      `${who} has an ${words} key: ${bits} bits is refused at OpenSSL ${level}, which wants 2048`,
      'reissue the certificate with an RSA key of 2048 bits or more (or EC P-256)',
    );
  }
  if (type === 'ec') {
    const curve = curveName(details.namedCurve);
    if (GOOD_CURVES.has(curve)) return check.pass(subject, name, `${who} has an ${words} key`);
    return check.fail(
      subject,
      name,
      `${who} has an EC key on ${curve}: TLS peers accept P-256, P-384 or P-521 for certificates`,
      'reissue the certificate with an EC key on P-256 (or RSA 2048 or more)',
    );
  }
  if (type === 'ed25519') return check.pass(subject, name, `${who} has an Ed25519 key`);
  return check.fail(
    subject,
    name,
    `${who} has a ${words} key: TLS peers expect RSA (2048 bits or more), EC P-256/P-384/P-521 ` +
      'or Ed25519',
    'reissue the certificate with an RSA-2048 or EC P-256 key',
  );
}

/** The signature uses neither MD5 nor SHA-1 (RSA-PSS with SHA-256 or more is healthy). */
export function checkSignatureHash(cert: ParsedCert, who: string, name: string): Check {
  const subject = cert.field;
  const algorithm = signatureAlgorithmOf(cert);
  if (!algorithm.known) {
    return check.skip(
      subject,
      name,
      `skipped: certkey does not know the signature algorithm ${algorithm.name} of ${who} ` +
        `(${LIMIT})`,
    );
  }

  const hash = algorithm.hash;
  const weak = hash === 'MD5' || hash === 'MD2' || hash === 'SHA-1';
  if (!weak) return check.pass(subject, name, `${who} is signed with ${algorithm.name}`);

  const level =
    hash === 'SHA-1'
      ? 'SHA-1 signatures are refused at security level 1 and up in OpenSSL 3.x'
      : `${hash} signatures are refused at OpenSSL security level 1 and up`;
  if (cert.field === 'ca' && isSelfSigned(cert)) {
    return check.warn(
      subject,
      name,
      `${who} is signed with ${algorithm.name}; ${level}, but OpenSSL does not check the ` +
        'self-signature of a trusted root, so only stricter peers refuse it',
      'reissue the root with SHA-256 when the CA is next renewed',
    );
  }
  return check.fail(
    subject,
    name,
    `${who} is signed with ${algorithm.name}: ${level}, so the handshake fails`,
    'reissue the certificate signed with SHA-256 or stronger',
  );
}

/** Key and signature checks of every certificate: leaves, then the CA field's. */
export function checkStrength(bundle: ParsedBundle): Check[] {
  const checks: Check[] = [];
  for (const field of leafFields(bundle)) {
    const cert = bundle.leaves[field];
    if (!cert) {
      checks.push(
        check.skip(field, 'key', notParsed(field)),
        check.skip(field, 'signature-hash', notParsed(field)),
      );
      continue;
    }
    checks.push(checkKey(cert, field, 'key'), checkSignatureHash(cert, field, 'signature-hash'));
  }

  if (bundle.ca.length === 0) {
    checks.push(
      check.skip('ca', 'key', notParsed('ca')),
      check.skip('ca', 'signature-hash', notParsed('ca')),
    );
  }
  for (const [index, cert] of bundle.ca.entries()) {
    const count = bundle.ca.length;
    const who =
      count === 1
        ? `ca ${nameOf(cert)}`
        : `ca certificate ${index + 1} of ${count} ${nameOf(cert)}`;
    checks.push(
      checkKey(cert, who, caCheckName('key', index, count)),
      checkSignatureHash(cert, who, caCheckName('signature-hash', index, count)),
    );
  }
  return checks;
}

/** The strength suite. */
export const strengthSuite: Suite = {
  name: 'strength',
  async run({ bundle }) {
    return checkStrength(bundle);
  },
};
