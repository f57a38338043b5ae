/**
 * Words for certificates and keys in messages: subject names, key types and sizes. Only
 * public facts: never a byte of a private key.
 */
import type { KeyObject } from 'node:crypto';
import type { ParsedCert } from '../model.js';

/** OpenSSL's curve names as TLS people say them. */
const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  prime192v1: 'P-192',
  secp224r1: 'P-224',
};

/** A curve's common name: `P-256` for prime256v1, else OpenSSL's name. */
export function curveName(namedCurve: string | undefined): string {
  if (namedCurve === undefined) return 'unnamed curve';
  return CURVES[namedCurve] ?? namedCurve;
}

/** A key's type and size, such as `RSA-2048`, `EC P-256` or `Ed25519`. */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA-${details.modulusLength ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS-${details.modulusLength ?? '?'}`;
    case 'dsa':
      return `DSA-${details.modulusLength ?? '?'}`;
    case 'ec':
      return `EC ${curveName(details.namedCurve)}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown key type';
  }
}

const publicKeys = new WeakMap<ParsedCert, KeyObject | null>();

/**
 * The public key of a certificate as node:crypto sees it, or null when it cannot load it;
 * loaded once per parsed certificate, so every check sees the same key object.
 */
export function publicKeyOf(cert: ParsedCert): KeyObject | null {
  const known = publicKeys.get(cert);
  if (known !== undefined) return known;

  let key: KeyObject | null;
  try {
    key = cert.node.publicKey;
  } catch {
    key = null;
  }
  publicKeys.set(cert, key);
  return key;
}

/** The certificate's subject, quoted for a message. */
export function nameOf(cert: ParsedCert): string {
  return cert.x509.subject === '' ? "'' (an empty subject)" : `'${cert.x509.subject}'`;
}

/** The certificate's issuer name, quoted for a message. */
export function issuerOf(cert: ParsedCert): string {
  return cert.x509.issuer === '' ? "'' (an empty issuer)" : `'${cert.x509.issuer}'`;
}

/** A calendar date and time in UTC, to the second. */
export function isoDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An article for a key or algorithm word: `an RSA-2048`, `an EC P-256`, `a DSA-1024`. */
export function article(word: string): string {
  return /^(RSA|EC|Ed|[AEIOU])/.test(word) ? `an ${word}` : `a ${word}`;
}
