/**
 * What each certificate of the CA field must be on its own to issue certificates: a CA
 * (basicConstraints cA=TRUE, RFC 5280 4.2.1.9), allowed to sign certificates (keyUsage
 * keyCertSign, 4.2.1.3), named, and in date at the judging moment.
 */
import type { Check, ParsedBundle, ParsedCert } from '../model.js';
import { isoDate, nameOf } from '../parse/describe.js';
import { x509 } from '../parse/x509.js';
import { checker, whichCert } from './common.js';

const check = checker('chain');

const USAGE_NAMES: readonly [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

/** The keyUsage bits a certificate asserts by name, or null without the extension. */
export function keyUsageNames(cert: ParsedCert): string[] | null {
  const extension = cert.x509.getExtension(x509.KeyUsagesExtension);
  if (!extension) return null;
  return USAGE_NAMES.filter(([bit]) => (extension.usages & bit) !== 0).map(([, name]) => name);
}

/** A certificate named for a message: `ca certificate 2 of 3 'CN=X'`. */
function label(cert: ParsedCert, bundle: ParsedBundle): string {
  return `${whichCert(cert, bundle)} ${nameOf(cert)}`;
}

/** Every CA certificate is a CA: basicConstraints cA=TRUE, marked critical, and a subject. */
export function checkIsCa(bundle: ParsedBundle): Check {
  const faults: string[] = [];
  const strict: string[] = [];
  for (const cert of bundle.ca) {
    const constraints = cert.x509.getExtension(x509.BasicConstraintsExtension);
    if (!constraints) faults.push(`${label(cert, bundle)} has no basicConstraints extension`);
    else if (!constraints.ca) faults.push(`${label(cert, bundle)} has basicConstraints cA=FALSE`);
    else if (!constraints.critical) strict.push(label(cert, bundle));
    if (cert.x509.subject === '') faults.push(`${whichCert(cert, bundle)} has an empty subject`);
  }

  if (faults.length > 0) {
    return check.fail(
      'ca',
      'is-ca',
      `${faults.join('; ')}: a TLS peer refuses it as an issuer`,
      'reissue the CA certificate with a subject and basicConstraints critical, CA:TRUE',
    );
  }
  if (strict.length > 0) {
    return check.warn(
      'ca',
      'is-ca',
      `${strict.join(', ')}: basicConstraints cA=TRUE is not marked critical, as RFC 5280 ` +
        '4.2.1.9 requires; OpenSSL accepts it, strict verifiers (-x509_strict) do not',
      'reissue the CA certificate with basicConstraints marked critical',
    );
  }
  return check.pass('ca', 'is-ca', `every certificate in ca is a CA (basicConstraints cA=TRUE)`);
}

/** Every CA certificate with a keyUsage extension asserts keyCertSign. */
export function checkKeyCertSign(bundle: ParsedBundle): Check {
  const faults: string[] = [];
  for (const cert of bundle.ca) {
    const usages = keyUsageNames(cert);
    if (usages === null || usages.includes('keyCertSign')) continue;
    const has = usages.length === 0 ? 'no bits at all' : usages.join(', ');
    faults.push(`${label(cert, bundle)} has keyUsage without keyCertSign (it has ${has})`);
  }

  if (faults.length > 0) {
    return check.fail(
      'ca',
      'key-cert-sign',
      `${faults.join('; ')}: it may not sign certificates, so TLS peers refuse the chain`,
      'reissue the CA certificate with keyUsage keyCertSign (and cRLSign)',
    );
  }
  return check.pass('ca', 'key-cert-sign', 'every certificate in ca may sign certificates');
}

/** Every CA certificate is valid at the judging moment. */
export function checkCaInDate(bundle: ParsedBundle, at: Date): Check {
  const faults: string[] = [];
  for (const cert of bundle.ca) {
    const { notBefore, notAfter } = cert.x509;
    if (notBefore.getTime() > at.getTime()) {
      faults.push(`${label(cert, bundle)} is not valid until ${isoDate(notBefore)}`);
    } else if (notAfter.getTime() < at.getTime()) {
      faults.push(`${label(cert, bundle)} expired on ${isoDate(notAfter)}`);
    }
  }

  if (faults.length > 0) {
    return check.fail(
      'ca',
      'in-date',
      `${faults.join('; ')} (judged at ${isoDate(at)}): no chain through it verifies`,
      'fetch a fresh bundle; if the CA itself is out of date, SMS must issue a new one',
    );
  }
  return check.pass('ca', 'in-date', `every certificate in ca is valid at ${isoDate(at)}`);
}
