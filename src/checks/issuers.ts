/**
 * Who issued whom among parsed certificates, judged as OpenSSL builds chains: the names
 * (RFC 5280 7.1), OpenSSL's own issuer test (X509_check_issued: key identifiers, keyUsage,
 * well-formed extensions) and, deciding, the signature verified with the issuer's key. Two
 * CAs with the same name and key identifier are told apart by the signature alone.
 */
import type { ParsedCert } from '../model.js';
import { signatureAlgorithmOf } from '../parse/algorithms.js';
import { nameOf, publicKeyOf } from '../parse/describe.js';
import { certFingerprint } from '../parse/fingerprint.js';
import { x509 } from '../parse/x509.js';
import { keyUsageNames } from './key-usage.js';
import { extensionOf } from '../parse/extensions.js';

/** A signature's verdict: `unknown` when certkey cannot judge it (a limit, not a defect). */
export type Verdict = 'valid' | 'invalid' | 'unknown';

/** A name's DER and its normalised text, each worked out once per name object. */
interface NameForms {
  der: Buffer;
  key?: string;
}

// Keyed by the name objects of parsed certificates: nothing outlives the certificates.
const nameForms = new WeakMap<x509.Name, NameForms>();

function formsOf(name: x509.Name): NameForms {
  let forms = nameForms.get(name);
  if (!forms) nameForms.set(name, (forms = { der: Buffer.from(name.toArrayBuffer()) }));
  return forms;
}

/** Normalises a distinguished name for comparison: case and runs of spaces do not count. */
function nameKey(name: x509.Name): string {
  const forms = formsOf(name);
  forms.key ??= name.toString().toLowerCase().replace(/\s+/g, ' ').trim();
  return forms.key;
}

/** True when two names are the same, byte for byte or after normalisation. */
export function sameName(a: x509.Name, b: x509.Name): boolean {
  return formsOf(a).der.equals(formsOf(b).der) || nameKey(a) === nameKey(b);
}

/** True when a certificate names itself as its issuer (self-issued, RFC 5280 6.1). */
export function isSelfIssued(cert: ParsedCert): boolean {
  return sameName(cert.x509.subjectName, cert.x509.issuerName);
}

/** The value `compute` gives for a pair of certificates, worked out once per pair. */
function pairMemo<T>(compute: (child: ParsedCert, issuer: ParsedCert) => T) {
  const known = new WeakMap<ParsedCert, Map<ParsedCert, T>>();
  return (child: ParsedCert, issuer: ParsedCert): T => {
    let row = known.get(child);
    if (!row) known.set(child, (row = new Map()));
    if (row.has(issuer)) return row.get(issuer) as T;

    const value = compute(child, issuer);
    row.set(issuer, value);
    return value;
  };
}

/** Verifies `child`'s signature with `issuer`'s public key; results are remembered. */
export const verifiedBy: (child: ParsedCert, issuer: ParsedCert) => Verdict = pairMemo(verify);

function verify(child: ParsedCert, issuer: ParsedCert): Verdict {
  if (!signatureAlgorithmOf(child).known) return 'unknown';
  const key = publicKeyOf(issuer);
  if (!key) return 'unknown';
  try {
    return child.node.verify(key) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** The key identifiers of a certificate: its own (SKI) and its issuer's (AKI keyIdentifier). */
export function keyIds(cert: ParsedCert): { ski: string | null; aki: string | null } {
  const ski = extensionOf(cert, x509.SubjectKeyIdentifierExtension);
  const aki = extensionOf(cert, x509.AuthorityKeyIdentifierExtension);
  return { ski: ski?.keyId.toLowerCase() ?? null, aki: aki?.keyId?.toLowerCase() ?? null };
}

/** Why the authority key identifier of `child` does not point at `issuer`, or null. */
export function keyIdFault(child: ParsedCert, issuer: ParsedCert): string | null {
  const { aki } = keyIds(child);
  const { ski } = keyIds(issuer);
  if (aki && ski && aki !== ski) {
    const of = nameOf(issuer);
    return `its authority key identifier ${aki} is not the key identifier ${ski} of ${of}`;
  }
  const extension = extensionOf(child, x509.AuthorityKeyIdentifierExtension);
  if (extension?.certId && !issuedPerOpenSsl(child, issuer)) {
    return (
      'its authority key identifier also names the issuing certificate by issuer name and ' +
      `serial number, and ${nameOf(issuer)} is not that certificate`
    );
  }
  return null;
}

/** OpenSSL's own test of a candidate issuer (X509_check_issued), without the signature. */
const issuedPerOpenSsl = pairMemo((child, issuer) => {
  try {
    return child.node.checkIssued(issuer.node);
  } catch {
    return false;
  }
});

/** Why OpenSSL would not take `issuer` as the issuer of `child`, or null when it would. */
export function refusal(child: ParsedCert, issuer: ParsedCert): string | null {
  const verdict = verifiedBy(child, issuer);
  if (verdict === 'invalid') {
    const key = `${nameOf(issuer)} (${certFingerprint(issuer)})`;
    return `its signature does not verify with the key of ${key}`;
  }
  if (issuedPerOpenSsl(child, issuer)) return null;

  const keyId = keyIdFault(child, issuer);
  if (keyId) return keyId;
  const usages = keyUsageNames(issuer);
  if (usages && !usages.includes('keyCertSign')) {
    return `the keyUsage of ${nameOf(issuer)} lacks keyCertSign`;
  }
  return `OpenSSL does not accept ${nameOf(issuer)} as its issuer (its extensions are malformed)`;
}

const selfSigned = new WeakMap<ParsedCert, boolean>();

/** True for a self-issued certificate that OpenSSL takes as signed by itself. */
export function isSelfSigned(cert: ParsedCert): boolean {
  let known = selfSigned.get(cert);
  if (known === undefined) {
    known = isSelfIssued(cert) && refusal(cert, cert) === null;
    selfSigned.set(cert, known);
  }
  return known;
}

/** The certificates in `pool` whose subject is `cert`'s issuer, itself excluded. */
export function namedIssuers(cert: ParsedCert, pool: readonly ParsedCert[]): ParsedCert[] {
  return pool.filter(
    (other) => other !== cert && sameName(other.x509.subjectName, cert.x509.issuerName),
  );
}

/** The issuer of `cert` in `pool`: named so, accepted by OpenSSL, verified when it can be. */
export function issuerIn(cert: ParsedCert, pool: readonly ParsedCert[]): ParsedCert | null {
  const accepted = namedIssuers(cert, pool).filter((issuer) => refusal(cert, issuer) === null);
  const verified = accepted.filter((issuer) => verifiedBy(cert, issuer) === 'valid');
  // A root beats a cross-signed copy of it, which may be expired (the "chain of pain").
  return verified.find(isSelfSigned) ?? verified[0] ?? accepted[0] ?? null;
}

/** Where walking up from a certificate ends. */
export type PathEnd =
  | { kind: 'anchor'; anchor: ParsedCert }
  | { kind: 'no-issuer'; last: ParsedCert }
  | { kind: 'refused'; last: ParsedCert; named: ParsedCert; reason: string }
  | { kind: 'loop'; last: ParsedCert };

/** True for a self-signed certificate of the pool: a trust anchor, where a walk up ends. */
function isAnchor(cert: ParsedCert, pool: readonly ParsedCert[]): boolean {
  return pool.includes(cert) && isSelfSigned(cert);
}

/** The certificates above `start` in `pool`, nearest first (the anchor last), and the end. */
export function pathFrom(
  start: ParsedCert,
  pool: readonly ParsedCert[],
): { path: ParsedCert[]; end: PathEnd } {
  const path: ParsedCert[] = [];
  let current = start;
  for (;;) {
    if (isAnchor(current, pool)) return { path, end: { kind: 'anchor', anchor: current } };

    const issuer = issuerIn(current, pool);
    if (!issuer) {
      const named = namedIssuers(current, pool)[0];
      if (!named) return { path, end: { kind: 'no-issuer', last: current } };
      const reason = refusal(current, named) ?? 'it is not accepted';
      return { path, end: { kind: 'refused', last: current, named, reason } };
    }
    if (issuer === start || path.includes(issuer)) {
      return { path, end: { kind: 'loop', last: current } };
    }
    path.push(issuer);
    current = issuer;
  }
}
