/**
 * A certificate's extensions, each decoded on its own, so that one extension
 * @peculiar/x509 cannot decode (a malformed authorityInfoAccess, say) does not hide the
 * others: it is listed as malformed, and the checks judge the rest.
 */
import type { ParsedCert } from '../model.js';
import { childrenOf, oidOf, readTlv, type Tlv } from './der.js';
import { x509 } from './x509.js';

/** A certificate's decoded extensions, and those that did not decode. */
export interface CertExtensions {
  list: x509.Extension[];
  malformed: { oid: string; critical: boolean }[];
}

const cache = new WeakMap<ParsedCert, CertExtensions>();

/** The extensions of a certificate; never throws. */
export function extensionsOf(cert: ParsedCert): CertExtensions {
  const known = cache.get(cert);
  if (known) return known;

  let result: CertExtensions;
  try {
    result = { list: cert.x509.extensions, malformed: [] };
  } catch {
    result = oneByOne(cert.der);
  }
  cache.set(cert, result);
  return result;
}

/** The extension of a type, or null when absent or malformed. */
export function extensionOf<T extends x509.Extension>(
  cert: ParsedCert,
  type: abstract new (...args: never[]) => T,
): T | null {
  return (extensionsOf(cert).list.find((extension) => extension instanceof type) as T) ?? null;
}

/** Decodes each Extension of the TBSCertificate (RFC 5280 4.1) separately. */
function oneByOne(der: Uint8Array): CertExtensions {
  const result: CertExtensions = { list: [], malformed: [] };
  const outer = readTlv(der, 0);
  const tbs = outer ? childrenOf(der, outer)?.[0] : undefined;
  const wrapper = tbs ? childrenOf(der, tbs)?.find((child) => child.tag === 0xa3) : undefined;
  const sequence = wrapper ? childrenOf(der, wrapper)?.[0] : undefined;
  for (const element of (sequence && childrenOf(der, sequence)) ?? []) {
    try {
      result.list.push(x509.ExtensionFactory.create(der.slice(element.offset, element.end)));
    } catch {
      result.malformed.push(describe(der, element));
    }
  }
  return result;
}

function describe(der: Uint8Array, element: Tlv): { oid: string; critical: boolean } {
  const [id, second] = childrenOf(der, element) ?? [];
  const oid = (id && oidOf(der, id)) ?? 'unknown';
  const critical = second?.tag === 0x01 && der[second.start] !== 0;
  return { oid, critical };
}
