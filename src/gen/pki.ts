/**
 * A small certificate authority for tests and `certkey gen`: keys and certificates with
 * exactly the extensions, dates and signature hashes asked for, healthy or deliberately not.
 * Certificates are built by @peculiar/x509 on node:crypto's WebCrypto; MD5 signatures,
 * which WebCrypto cannot make, come from node-forge (see md5.ts).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { buildExtensions } from './extensions.js';
import { spkiOf, type KeyPair } from './keys.js';
import { resignWithMd5 } from './md5.js';
import { defaultHash, signingAlgorithmOf, signingKeyOf } from './sign.js';

export { keyIdOf, keyToPem, makeKey, type KeyPair, type KeySpec } from './keys.js';

/** A certificate and its key: what a leaf is, and what an issuer needs to sign. */
export interface Issued {
  pem: string;
  key: KeyPair;
  subject: string;
}

/** What a certificate should hold. Every default is what a healthy SMS bundle has. */
export interface CertSpec {
  /** Distinguished name, such as `CN=SMS CA`. */
  subject: string;
  /** The subject's key. */
  key: KeyPair;
  /** The signer; omitted: self-signed with `key`. */
  issuer?: Issued;
  /** Default: an hour ago. */
  notBefore?: Date;
  /** Default: a year on. From 2050 it is a GeneralizedTime, before a UTCTime (RFC 5280 4.1.2.5). */
  notAfter?: Date;
  /** basicConstraints cA; default false. */
  ca?: boolean;
  /** basicConstraints pathLenConstraint, for CAs. */
  pathLength?: number;
  /** false omits basicConstraints altogether. */
  basicConstraints?: boolean;
  /** keyUsage bit names; default by role and key type; null omits the extension. */
  keyUsage?: string[] | null;
  /** extKeyUsage names (`serverAuth`, `clientAuth`, `codeSigning`...) or OIDs; null omits. */
  extKeyUsage?: string[] | null;
  /** DNS names and IP addresses. */
  san?: string[];
  /** Signature hash; default SHA-256 (SHA-384/512 for ECDSA on P-384/P-521). */
  hash?: 'SHA-256' | 'SHA-384' | 'SHA-1' | 'MD5';
  /** true: SHA-1 of the public key (RFC 5280 4.2.1.2 method 1); bytes: that value; false: none. */
  subjectKeyId?: boolean | Uint8Array;
  /** 'match': the issuer's subject key identifier; bytes: that value; 'omit': none. */
  authorityKeyId?: 'match' | 'omit' | Uint8Array;
  /** Serial number in hex; default random. */
  serial?: string;
}

/** Issues a certificate as described. */
export async function makeCert(spec: CertSpec): Promise<Issued> {
  const signer = spec.issuer?.key ?? spec.key;
  const issuerName = spec.issuer ? new x509.X509Certificate(spec.issuer.pem).subjectName : null;
  const now = Date.now();
  const hash = spec.hash ?? defaultHash(signer.spec);

  const extensions = await buildExtensions(spec);
  const cert = await x509.X509CertificateGenerator.create({
    ...(spec.serial === undefined ? {} : { serialNumber: spec.serial }),
    subject: spec.subject,
    issuer: issuerName ?? spec.subject,
    notBefore: spec.notBefore ?? new Date(now - 3600_000),
    notAfter: spec.notAfter ?? new Date(now + 365 * 86400_000),
    publicKey: spkiOf(spec.key.publicKey),
    signingKey: await signingKeyOf(signer, hash === 'MD5' ? 'SHA-256' : hash),
    signingAlgorithm: signingAlgorithmOf(signer.spec, hash === 'MD5' ? 'SHA-256' : hash),
    extensions,
  });

  const pem = hash === 'MD5' ? resignWithMd5(cert.toString('pem'), signer) : cert.toString('pem');
  return { pem: `${pem.trim()}\n`, key: spec.key, subject: spec.subject };
}
