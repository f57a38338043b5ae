/**
 * The keyUsage bits (RFC 5280 4.2.1.3) and extendedKeyUsage purposes (4.2.1.12) of a
 * certificate by name.
 */
import type { ParsedCert } from '../model.js';
import { x509 } from '../parse/x509.js';
import { extensionOf } from '../parse/extensions.js';

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
  const extension = extensionOf(cert, x509.KeyUsagesExtension);
  if (!extension) return null;
  return USAGE_NAMES.filter(([bit]) => (extension.usages & bit) !== 0).map(([, name]) => name);
}

/** The anyExtendedKeyUsage OID (RFC 5280 4.2.1.12). */
export const ANY_EKU = '2.5.29.37.0';

/** The names of the extendedKeyUsage purposes certkey meets, by OID. */
export const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  [ANY_EKU]: 'anyExtendedKeyUsage',
};

/** The extendedKeyUsage purposes by name (an unknown one by OID), or null without it. */
export function extendedKeyUsageNames(cert: ParsedCert): string[] | null {
  const extension = extensionOf(cert, x509.ExtendedKeyUsageExtension);
  if (!extension) return null;
  return extension.usages.map((usage) => EKU_NAMES[String(usage)] ?? String(usage));
}
