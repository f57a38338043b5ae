/**
 * A certificate's extensions, each decoded on its own, so that one extension
 * @peculiar/x509 cannot decode (a malformed authorityInfoAccess, say) does not hide the
 * others: it is listed as malformed, and the checks judge the rest. Each is decoded from
 * its own bytes in the certificate's DER, once per parsed certificate.
 */
import type { ParsedCert } from '../model.js';
import { childrenOf, oidOf, readTlv, type Tlv } from './der.js';
import { x509 } from './x509.js';

/** A certificate's decoded extensions, and those that did not decode. */
export interface CertExtensions {
  list: x509.Extension[];
  malformed: { oid: string; critical: boolean }[];
}

/**
 * The classes ExtensionFactory.create picks by OID (the ones @peculiar/x509 registers):
 * taking the class straight away spares a first decoding of each extension to read its
 * OID. test/parse/extensions.test.ts holds this table to the factory's choices.
 */
const DECODERS: Readonly<Record<string, new (raw: BufferSource) => x509.Extension>> = {
  '2.5.29.14': x509.SubjectKeyIdentifierExtension,
  '2.5.29.15': x509.KeyUsagesExtension,
  '2.5.29.17': x509.SubjectAlternativeNameExtension,
  '2.5.29.18': x509.IssuerAlternativeNameExtension,
  '2.5.29.19': x509.BasicConstraintsExtension,
  '2.5.29.31': x509.CRLDistributionPointsExtension,
  '2.5.29.32': x509.CertificatePolicyExtension,
  '2.5.29.35': x509.AuthorityKeyIdentifierExtension,
  '2.5.29.37': x509.ExtendedKeyUsageExtension,
  '1.3.6.1.5.5.7.1.1': x509.AuthorityInfoAccessExtension,
};

const cache = new WeakMap<ParsedCert, CertExtensions>();

/** The extensions of a certificate; never throws. */
export function extensionsOf(cert: ParsedCert): CertExtensions {
  const known = cache.get(cert);
  if (known) return known;

  const elements = extensionElements(cert.der);
  const result = elements ? oneByOne(cert.der, elements) : whole(cert);
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

/**
 * The Extension elements of the TBSCertificate (RFC 5280 4.1), empty without extensions, or
 * null when the DER does not walk cleanly (BER forms, say), for the parsed view to answer.
 */
function extensionElements(der: Uint8Array): Tlv[] | null {
  const outer = readTlv(der, 0);
  const tbs = outer ? childrenOf(der, outer)?.[0] : undefined;
  const fields = tbs ? childrenOf(der, tbs) : null;
  if (!fields) return null;

  const wrapper = fields.find((child) => child.tag === 0xa3);
  if (!wrapper) return [];
  const sequence = childrenOf(der, wrapper)?.[0];
  return sequence ? childrenOf(der, sequence) : null;
}

/** The parsed view's own list; when one extension does not decode, each on its own. */
function whole(cert: ParsedCert): CertExtensions {
  try {
    return { list: cert.x509.extensions, malformed: [] };
  } catch {
    return oneByOne(cert.der, []);
  }
}

/** Decodes each Extension element separately. */
function oneByOne(der: Uint8Array, elements: readonly Tlv[]): CertExtensions {
  const result: CertExtensions = { list: [], malformed: [] };
  for (const element of elements) {
    try {
      result.list.push(decode(der.slice(element.offset, element.end), element, der));
    } catch {
      result.malformed.push(describe(der, element));
    }
  }
  return result;
}

/** What ExtensionFactory.create gives for one Extension, taking the class by OID first. */
function decode(raw: Uint8Array<ArrayBuffer>, element: Tlv, der: Uint8Array): x509.Extension {
  const [id] = childrenOf(der, element) ?? [];
  const oid = id ? oidOf(der, id) : null;
  const Decoder = oid ? DECODERS[oid] : undefined;
  if (!Decoder) return x509.ExtensionFactory.create(raw);

  try {
    const extension = new Decoder(raw);
    if (extension.type === oid) return extension;
  } catch {
    // The factory's own reading decides, as it would have without the shortcut.
  }
  return x509.ExtensionFactory.create(raw);
}

function describe(der: Uint8Array, element: Tlv): { oid: string; critical: boolean } {
  const [id, second] = childrenOf(der, element) ?? [];
  const oid = (id && oidOf(der, id)) ?? 'unknown';
  const critical = second?.tag === 0x01 && der[second.start] !== 0;
  return { oid, critical };
}
