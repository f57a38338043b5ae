/**
 * One certificate as a person reads it: names, serial, dates with days left, key, signature
 * algorithm, the extensions that decide TLS use, and fingerprints to compare with OpenSSL's.
 * Only public facts: a certificate holds nothing secret.
 */
import { extendedKeyUsageNames, keyUsageNames } from '../checks/key-usage.js';
import type { ParsedCert } from '../model.js';
import { signatureAlgorithmOf } from '../parse/algorithms.js';
import { describeKey, isoDate, publicKeyOf } from '../parse/describe.js';
import { certFingerprint } from '../parse/fingerprint.js';
import { x509 } from '../parse/x509.js';
import { daysLeft } from '../../suites/expiry.js';

/** A certificate's readable description. */
export interface CertView {
  /** The field it came from, with its place in the CA field: `ca`, `ca #2`, `cert`. */
  label: string;
  subject: string;
  issuer: string;
  /** The serial number in hex, as `openssl x509 -serial` prints it. */
  serial: string;
  notBefore: string;
  notAfter: string;
  /** Whole days from the judging moment to notAfter; negative once expired. */
  daysLeft: number;
  /** `valid`, `expired` or `not yet valid` at the judging moment. */
  validity: 'valid' | 'expired' | 'not yet valid';
  /** Key type and size, such as `RSA-2048` or `EC P-256`. */
  key: string;
  signatureAlgorithm: string;
  /** keyUsage names; null when the extension is absent. */
  keyUsage: string[] | null;
  /** extendedKeyUsage names (OIDs when unnamed); null when absent. */
  extendedKeyUsage: string[] | null;
  /** subjectAltName entries as OpenSSL prints them (`DNS:x`, `IP Address:10.0.0.5`). */
  subjectAltName: string[] | null;
  /** basicConstraints; null when absent. */
  basicConstraints: { ca: boolean; pathLength?: number; critical: boolean } | null;
  /** SHA-256 of the certificate's DER, as `openssl x509 -fingerprint -sha256` prints it. */
  sha256: string;
  /** SHA-256 of its SubjectPublicKeyInfo, as `sha256:` and 64 hex digits. */
  spkiSha256: string;
}

/** Describes one certificate as of `at`. */
export function viewCert(cert: ParsedCert, label: string, at: Date): CertView {
  const { notBefore, notAfter } = cert.x509;
  const key = publicKeyOf(cert);
  const validity =
    at.getTime() > notAfter.getTime()
      ? 'expired'
      : at.getTime() < notBefore.getTime()
        ? 'not yet valid'
        : 'valid';

  return {
    label,
    subject: cert.x509.subject,
    issuer: cert.x509.issuer,
    serial: cert.node.serialNumber.toUpperCase(),
    notBefore: isoDate(notBefore),
    notAfter: isoDate(notAfter),
    daysLeft: daysLeft(cert, at),
    validity,
    key: key ? describeKey(key) : cert.x509.publicKey.algorithm.name,
    signatureAlgorithm: signatureAlgorithmOf(cert).name,
    keyUsage: keyUsageNames(cert),
    extendedKeyUsage: extendedKeyUsageNames(cert),
    subjectAltName: splitNames(cert.node.subjectAltName),
    basicConstraints: basicConstraintsOf(cert),
    sha256: cert.node.fingerprint256,
    spkiSha256: certFingerprint(cert, true),
  };
}

function basicConstraintsOf(cert: ParsedCert): CertView['basicConstraints'] {
  const extension = cert.x509.getExtension(x509.BasicConstraintsExtension);
  if (!extension) return null;
  const { ca, pathLength, critical } = extension;
  return { ca, ...(pathLength === undefined ? {} : { pathLength }), critical };
}

/** OpenSSL's `DNS:a, IP Address:b` as a list; quoted entries keep their commas. */
function splitNames(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  return text.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g)?.map((name) => name.trim()) ?? [];
}
