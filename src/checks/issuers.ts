/**
 * Who issued whom among parsed certificates: name matching (RFC 5280 7.1), key identifiers
 * (4.2.1.1, 4.2.1.2) and, deciding, the signature verified with the issuer's key by
 * node:crypto. Two CAs with the same name are told apart by the signature alone.
 */
import type { ParsedCert } from '../model.js';
import { signatureAlgorithmOf } from '../parse/algorithms.js';
import { publicKeyOf } from '../parse/describe.js';
import { x509 } from '../parse/x509.js';

/** A signature's verdict: `unknown` when certkey cannot judge it (a limit, not a defect). */
export type Verdict = 'valid' | 'invalid' | 'unknown';

/** Normalises a distinguished name for comparison: case and runs of spaces do not count. */
function nameKey(name: x509.Name): string {
  return name.toString().toLowerCase().replace(/\s+/g, ' ').trim();
}

/** True when two names are the same, byte for byte or after normalisation. */
export function sameName(a: x509.Name, b: x509.Name): boolean {
  const left = Buffer.from(a.toArrayBuffer());
  const right = Buffer.from(b.toArrayBuffer());
  return left.equals(right) || nameKey(a) === nameKey(b);
}

/** True when a certificate names itself as its issuer (self-issued, RFC 5280 6.1). */
export function isSelfIssued(cert: ParsedCert): boolean {
  return sameName(cert.x509.subjectName, cert.x509.issuerName);
}

const verdicts = new WeakMap<ParsedCert, Map<ParsedCert, Verdict>>();

/** Verifies `child`'s signature with `issuer`'s public key; results are remembered. */
export function verifiedBy(child: ParsedCert, issuer: ParsedCert): Verdict {
  let known = verdicts.get(child);
  if (!known) verdicts.set(child, (known = new Map()));
  const cached = known.get(issuer);
  if (cached) return cached;

  const verdict = verify(child, issuer);
  known.set(issuer, verdict);
  return verdict;
}

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

/** True for a self-issued certificate whose signature verifies with its own key. */
export function isSelfSigned(cert: ParsedCert): boolean {
  return isSelfIssued(cert) && verifiedBy(cert, cert) !== 'invalid';
}

/** The certificates in `pool` whose subject is `cert`'s issuer, itself excluded. */
export function namedIssuers(cert: ParsedCert, pool: readonly ParsedCert[]): ParsedCert[] {
  return pool.filter(
    (other) => other !== cert && sameName(other.x509.subjectName, cert.x509.issuerName),
  );
}

/** The key identifiers of a certificate: its own (SKI) and its issuer's (AKI keyIdentifier). */
export function keyIds(cert: ParsedCert): { ski: string | null; aki: string | null } {
  const ski = cert.x509.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = cert.x509.getExtension(x509.AuthorityKeyIdentifierExtension);
  return { ski: ski?.keyId.toLowerCase() ?? null, aki: aki?.keyId?.toLowerCase() ?? null };
}

/** The issuer of `cert` in `pool`: named so, and verifying its signature when that can be told. */
export function issuerIn(cert: ParsedCert, pool: readonly ParsedCert[]): ParsedCert | null {
  const named = namedIssuers(cert, pool);
  return (
    named.find((issuer) => verifiedBy(cert, issuer) === 'valid') ??
    named.find((issuer) => verifiedBy(cert, issuer) === 'unknown') ??
    null
  );
}

/** Where walking up from a certificate ends. */
export type PathEnd =
  | { kind: 'anchor'; anchor: ParsedCert }
  | { kind: 'no-issuer'; last: ParsedCert }
  | { kind: 'bad-signature'; last: ParsedCert; named: ParsedCert }
  | { kind: 'loop'; last: ParsedCert };

/** True for a self-signed certificate of the pool that no other certificate of it signed. */
function isAnchor(cert: ParsedCert, pool: readonly ParsedCert[]): boolean {
  if (!pool.includes(cert) || !isSelfSigned(cert)) return false;
  return !namedIssuers(cert, pool).some((other) => verifiedBy(cert, other) === 'valid');
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
      if (named) return { path, end: { kind: 'bad-signature', last: current, named } };
      return { path, end: { kind: 'no-issuer', last: current } };
    }
    if (issuer === start || path.includes(issuer)) {
      return { path, end: { kind: 'loop', last: current } };
    }
    path.push(issuer);
    current = issuer;
  }
}
