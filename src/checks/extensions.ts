/**
 * Extensions OpenSSL refuses outright: a critical extension its verifier does not handle
 * (X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION) and an extension present twice (RFC 5280 4.2,
 * which OpenSSL marks invalid). Also the gaps only strict verifiers refuse: a CA without a
 * subject key identifier, a certificate below a root without an authority key identifier.
 */
import type { ParsedCert } from '../model.js';
import { extensionsOf } from '../parse/extensions.js';
import { isSelfIssued } from './issuers.js';

/**
 * The extensions OpenSSL 3.x handles when marked critical (X509_supported_extension).
 * Limitation: the list follows OpenSSL 3.x; other TLS stacks handle other sets.
 */
const HANDLED = new Set([
  '2.16.840.1.113730.1.1', // netscape-cert-type
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.32', // certificatePolicies
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.37', // extKeyUsage
  '1.3.6.1.5.5.7.1.7', // ipAddrBlocks (RFC 3779)
  '1.3.6.1.5.5.7.1.8', // autonomousSysIds (RFC 3779)
  '2.5.29.36', // policyConstraints
  '1.3.6.1.5.5.7.1.14', // proxyCertInfo
  '2.5.29.30', // nameConstraints
  '2.5.29.33', // policyMappings
  '2.5.29.54', // inhibitAnyPolicy
]);

const NAMES: Readonly<Record<string, string>> = {
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.35': 'authorityKeyIdentifier',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
  '2.5.29.15': 'keyUsage',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.37': 'extKeyUsage',
};

function named(oid: string): string {
  return NAMES[oid] ? `${NAMES[oid]} (${oid})` : oid;
}

/** What makes OpenSSL refuse the certificate's extensions; empty when nothing does. */
export function extensionFaults(cert: ParsedCert): string[] {
  const faults: string[] = [];
  const seen = new Set<string>();
  for (const extension of extensionsOf(cert).list) {
    if (seen.has(extension.type)) faults.push(`extension ${named(extension.type)} appears twice`);
    seen.add(extension.type);
    if (extension.critical && !HANDLED.has(extension.type)) {
      faults.push(`critical extension ${named(extension.type)} is one OpenSSL does not handle`);
    }
  }
  for (const { oid, critical } of extensionsOf(cert).malformed) {
    if (critical) faults.push(`critical extension ${named(oid)} does not decode`);
  }
  return faults;
}

/** Extensions that do not decode but are not critical: OpenSSL may or may not mind. */
export function extensionDoubts(cert: ParsedCert): string[] {
  return extensionsOf(cert)
    .malformed.filter(({ critical }) => !critical)
    .map(({ oid }) => `extension ${named(oid)} does not decode`);
}

/** The key identifiers RFC 5280 4.2.1.1-2 require of a CA; only strict verifiers insist. */
export function caKeyIdGaps(cert: ParsedCert): string[] {
  const { list, malformed } = extensionsOf(cert);
  const has = (type: string) =>
    list.some((extension) => extension.type === type) || malformed.some((m) => m.oid === type);
  const gaps: string[] = [];
  if (!has('2.5.29.14')) gaps.push('no subject key identifier');
  if (!isSelfIssued(cert) && !has('2.5.29.35')) gaps.push('no authority key identifier');
  return gaps;
}
