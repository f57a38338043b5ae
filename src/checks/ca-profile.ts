/**
 * What each certificate of the CA field must be on its own to issue certificates: a CA
 * (basicConstraints cA=TRUE, RFC 5280 4.2.1.9), allowed to sign certificates (keyUsage
 * keyCertSign, 4.2.1.3), named, and in date at the judging moment.
 */
import type { Check, ParsedBundle, ParsedCert } from '../model.js';
import { isoDate, nameOf } from '../parse/describe.js';
import { x509 } from '../parse/x509.js';
import { checker, whichCert } from './common.js';
import { keyUsageNames } from './key-usage.js';
import { judgedCas } from './ca-chain.js';
import { isSelfSigned } from './issuers.js';
import { caKeyIdGaps, extensionDoubts, extensionFaults } from './extensions.js';
import { extensionOf } from '../parse/extensions.js';

const check = checker('chain');

/** A certificate named for a message: `ca certificate 2 of 3 'CN=X'`. */
function label(cert: ParsedCert, bundle: ParsedBundle): string {
  return `${whichCert(cert, bundle)} ${nameOf(cert)}`;
}

/** Says that a CA certificate lacks basicConstraints, and what OpenSSL makes of that. */
function missingConstraints(cert: ParsedCert, bundle: ParsedBundle): string {
  const missing = `${label(cert, bundle)} has no basicConstraints extension`;
  // OpenSSL trusts a self-signed root without it (RFC 5280 4.2.1.9 and strict verifiers do not).
  if (!isSelfSigned(cert)) return missing;
  return `${missing} (OpenSSL still trusts such a root; strict verifiers and RFC 5280 do not)`;
}

/** Every CA certificate is a CA: basicConstraints cA=TRUE, marked critical, and a subject. */
export function checkIsCa(bundle: ParsedBundle): Check {
  const faults: string[] = [];
  const strict: string[] = [];
  for (const cert of judgedCas(bundle)) {
    const constraints = extensionOf(cert, x509.BasicConstraintsExtension);
    if (!constraints) faults.push(missingConstraints(cert, bundle));
    else if (!constraints.ca) faults.push(`${label(cert, bundle)} has basicConstraints cA=FALSE`);
    else if (!constraints.critical) {
      strict.push(`${label(cert, bundle)} has basicConstraints cA=TRUE not marked critical`);
    }
    if (cert.x509.subject === '') faults.push(`${whichCert(cert, bundle)} has an empty subject`);
  }

  if (faults.length > 0) {
    return check.fail(
      'ca',
      'is-ca',
      `${faults.join('; ')}: only a CA certificate may issue others (RFC 5280 4.2.1.9)`,
      'reissue the CA certificate with a subject and basicConstraints critical, CA:TRUE',
    );
  }
  if (strict.length > 0) {
    return check.warn(
      'ca',
      'is-ca',
      `${strict.join('; ')}, where RFC 5280 4.2.1.9 wants it critical, CA:TRUE; OpenSSL ` +
        'accepts that, strict verifiers (-x509_strict) do not',
      'reissue the CA certificate with basicConstraints critical, CA:TRUE',
    );
  }
  return check.pass('ca', 'is-ca', `every certificate in ca is a CA (basicConstraints cA=TRUE)`);
}

/** Every CA certificate with a keyUsage extension asserts keyCertSign. */
export function checkKeyCertSign(bundle: ParsedBundle): Check {
  const faults: string[] = [];
  for (const cert of judgedCas(bundle)) {
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
  for (const cert of judgedCas(bundle)) {
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

/** No CA certificate has extensions OpenSSL refuses; key identifiers as RFC 5280 wants. */
export function checkCaExtensions(bundle: ParsedBundle): Check {
  const judged = judgedCas(bundle);
  const faults = judged.flatMap((cert) =>
    extensionFaults(cert).map((fault) => `${label(cert, bundle)}: ${fault}`),
  );
  if (faults.length > 0) {
    return check.fail(
      'ca',
      'extensions',
      `${faults.join('; ')}: OpenSSL refuses the certificate`,
      'reissue the CA certificate without the offending extension',
    );
  }

  const gaps = judged.flatMap((cert) => [
    ...caKeyIdGaps(cert).map((gap) => `${label(cert, bundle)} has ${gap}`),
    ...extensionDoubts(cert).map((doubt) => `${label(cert, bundle)}: ${doubt}`),
  ]);
  if (gaps.length > 0) {
    return check.warn(
      'ca',
      'extensions',
      `${gaps.join('; ')} (RFC 5280 4.2); OpenSSL accepts that, strict verifiers ` +
        '(-x509_strict) do not',
      'reissue the CA certificate with well-formed subjectKeyIdentifier and ' +
        'authorityKeyIdentifier extensions',
    );
  }
  return check.pass('ca', 'extensions', 'every certificate in ca has extensions OpenSSL accepts');
}
