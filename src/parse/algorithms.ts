/**
 * Names for the signature algorithm of a certificate, read from its DER by OID so that an
 * algorithm no library knows is reported as unknown rather than as a broken certificate.
 */
import type { ParsedCert } from '../model.js';
import { childrenOf, oidOf, readTlv, type Tlv } from './der.js';

/** A certificate's signature algorithm. */
export interface SignatureAlgorithm {
  /** The OID of the outer signatureAlgorithm. */
  oid: string;
  /** A name such as `sha256WithRSAEncryption`, or the OID when unknown. */
  name: string;
  /** The digest, such as `SHA-256`; null for Ed25519/Ed448 and unknown algorithms. */
  hash: string | null;
  /** False when certkey does not know the OID: nothing can be judged about it. */
  known: boolean;
}

const RSA = '1.2.840.113549.1.1.';
const ECDSA = '1.2.840.10045.4.';

/** RFC 3279, 4055, 5758 and 8410 signature OIDs; PSS takes its hash from its parameters. */
const SIGNATURES: Readonly<Record<string, { name: string; hash: string | null }>> = {
  [`${RSA}2`]: { name: 'md2WithRSAEncryption', hash: 'MD2' },
  [`${RSA}4`]: { name: 'md5WithRSAEncryption', hash: 'MD5' },
  [`${RSA}5`]: { name: 'sha1WithRSAEncryption', hash: 'SHA-1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSASignature', hash: 'SHA-1' },
  [`${RSA}10`]: { name: 'RSASSA-PSS', hash: null },
  [`${RSA}14`]: { name: 'sha224WithRSAEncryption', hash: 'SHA-224' },
  [`${RSA}11`]: { name: 'sha256WithRSAEncryption', hash: 'SHA-256' },
  [`${RSA}12`]: { name: 'sha384WithRSAEncryption', hash: 'SHA-384' },
  [`${RSA}13`]: { name: 'sha512WithRSAEncryption', hash: 'SHA-512' },
  [`${ECDSA}1`]: { name: 'ecdsa-with-SHA1', hash: 'SHA-1' },
  [`${ECDSA}3.1`]: { name: 'ecdsa-with-SHA224', hash: 'SHA-224' },
  [`${ECDSA}3.2`]: { name: 'ecdsa-with-SHA256', hash: 'SHA-256' },
  [`${ECDSA}3.3`]: { name: 'ecdsa-with-SHA384', hash: 'SHA-384' },
  [`${ECDSA}3.4`]: { name: 'ecdsa-with-SHA512', hash: 'SHA-512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'SHA-1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'SHA-256' },
  '1.3.101.112': { name: 'Ed25519', hash: null },
  '1.3.101.113': { name: 'Ed448', hash: null },
};

/** What the DER says outside the parsed views: algorithm OIDs and time encodings. */
export interface CertFrame {
  /** The outer signatureAlgorithm OID. */
  signatureOid: string;
  /** The signature OID inside the signed part; RFC 5280 4.1.1.2 wants the two equal. */
  tbsSignatureOid: string;
  /** ASN.1 tags of notBefore and notAfter: 0x17 UTCTime, 0x18 GeneralizedTime. */
  notBeforeTag: number;
  notAfterTag: number;
}

/** Reads the frame of a certificate's DER, or null when it is not shaped as RFC 5280 4.1. */
export function certFrame(der: Uint8Array): CertFrame | null {
  const outer = readTlv(der, 0);
  const parts = outer && childrenOf(der, outer);
  const [tbs, algorithm] = parts ?? [];
  if (!tbs || !algorithm) return null;

  const fields = childrenOf(der, tbs) ?? [];
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const tbsAlgorithm = fields[offset + 1];
  const validity = fields[offset + 3];
  const times = validity ? childrenOf(der, validity) : null;

  const signatureOid = firstOid(der, algorithm);
  const tbsSignatureOid = tbsAlgorithm ? firstOid(der, tbsAlgorithm) : null;
  const [notBefore, notAfter] = times ?? [];
  if (!signatureOid || !tbsSignatureOid || !notBefore || !notAfter) return null;
  return { signatureOid, tbsSignatureOid, notBeforeTag: notBefore.tag, notAfterTag: notAfter.tag };
}

function firstOid(der: Uint8Array, sequence: Tlv) {
  const first = childrenOf(der, sequence)?.[0];
  return first ? oidOf(der, first) : null;
}

const algorithms = new WeakMap<ParsedCert, SignatureAlgorithm>();

/** The signature algorithm of a certificate, by OID, with the hash PSS parameters name. */
export function signatureAlgorithmOf(cert: ParsedCert): SignatureAlgorithm {
  let known = algorithms.get(cert);
  if (!known) algorithms.set(cert, (known = readSignatureAlgorithm(cert)));
  return known;
}

function readSignatureAlgorithm(cert: ParsedCert): SignatureAlgorithm {
  const oid = certFrame(cert.der)?.signatureOid ?? 'unknown';
  const entry = SIGNATURES[oid];
  if (!entry) return { oid, name: oid, hash: null, known: false };
  if (entry.hash !== null || oid !== `${RSA}10`) return { oid, ...entry, known: true };

  const hash = pssHash(cert);
  return { oid, name: `RSASSA-PSS with ${hash ?? 'unknown hash'}`, hash, known: hash !== null };
}

function pssHash(cert: ParsedCert): string | null {
  try {
    const algorithm = cert.x509.signatureAlgorithm as { hash?: { name?: string } };
    return algorithm.hash?.name ?? null;
  } catch {
    return null;
  }
}
