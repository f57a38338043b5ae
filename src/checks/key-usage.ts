/**
 * The keyUsage bits of a certificate by their RFC 5280 4.2.1.3 names.
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
