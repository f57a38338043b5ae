/**
 * How the certificates of the CA field hang together: a trust anchor (a self-signed root)
 * at the top, every other certificate signed by the one above it, path lengths held
 * (RFC 5280 4.2.1.9), a sensible order, and nothing unrelated to the leaves' chains.
 */
import type { Check, ParsedBundle, ParsedCert } from '../model.js';
import { issuerOf, nameOf } from '../parse/describe.js';
import { certFingerprint } from '../parse/fingerprint.js';
import { x509 } from '../parse/x509.js';
import { checker, leafFields, whichCert } from './common.js';
import {
  isSelfIssued,
  issuerIn,
  namedIssuers,
  pathFrom,
  verifiedBy,
  type PathEnd,
} from './issuers.js';

type Broken = Exclude<PathEnd, { kind: 'anchor' }>;

const check = checker('chain');

function label(cert: ParsedCert, bundle: ParsedBundle): string {
  return `${whichCert(cert, bundle)} ${nameOf(cert)}`;
}

/** The CA field holds a self-signed root that every CA certificate leads up to. */
export function checkAnchor(bundle: ParsedBundle): Check {
  const ends = bundle.ca.map((cert) => ({ cert, ...pathFrom(cert, bundle.ca) }));
  const end = ends.map((each) => each.end).find((each): each is Broken => each.kind !== 'anchor');
  if (!end) {
    const anchors = [
      ...new Set(ends.map(({ end }) => (end.kind === 'anchor' ? end.anchor : null))),
    ];
    const names = anchors.map((anchor) => (anchor ? nameOf(anchor) : '')).join(', ');
    return check.pass('ca', 'anchor', `ca leads up to the self-signed root ${names}`);
  }

  if (end.kind === 'no-issuer' && isSelfIssued(end.last)) {
    return check.fail(
      'ca',
      'anchor',
      `ca holds no trust anchor: ${label(end.last, bundle)} names itself as issuer but its ` +
        'self-signature does not verify',
      'fetch the bundle again; if it persists, SMS must reissue the CA certificate',
    );
  }
  if (end.kind === 'no-issuer') {
    return check.fail(
      'ca',
      'anchor',
      `ca holds no trust anchor (self-signed root): ${label(end.last, bundle)} is issued by ` +
        `${issuerOf(end.last)}, which ca does not hold; an intermediate alone cannot be trusted`,
      `add the root certificate ${issuerOf(end.last)} to ca, after the intermediates`,
    );
  }
  return check.fail(
    'ca',
    'anchor',
    `ca holds no trust anchor: the chain above ${label(end.last, bundle)} is broken (see the ` +
      'signatures check)',
    'fetch the bundle again; the CA certificates must come from the same reply',
  );
}

/** Each CA certificate below the root verifies with the key of the certificate named above it. */
export function checkCaSignatures(bundle: ParsedBundle): Check {
  const faults: string[] = [];
  const unknown: string[] = [];
  for (const cert of bundle.ca) {
    if (isSelfIssued(cert) && verifiedBy(cert, cert) !== 'invalid') continue;
    const named = namedIssuers(cert, bundle.ca);
    if (named.length === 0) continue;

    const issuer = issuerIn(cert, bundle.ca);
    if (issuer && verifiedBy(cert, issuer) === 'unknown') unknown.push(label(cert, bundle));
    if (issuer) continue;
    const keys = named.map((other) => `${nameOf(other)} (${certFingerprint(other)})`).join(', ');
    faults.push(`the signature of ${label(cert, bundle)} does not verify with the key of ${keys}`);
  }

  if (faults.length > 0) {
    return check.fail(
      'ca',
      'signatures',
      `${faults.join('; ')}: it was signed by a different CA with the same name`,
      'fetch the bundle again: every certificate of ca must come from the same SMS CA',
    );
  }
  if (unknown.length > 0) {
    return check.skip(
      'ca',
      'signatures',
      `skipped: certkey cannot verify the signature algorithm of ${unknown.join(', ')} (a ` +
        'limit of certkey, not a defect of the bundle)',
    );
  }
  return check.pass('ca', 'signatures', "every certificate in ca verifies with its issuer's key");
}

/** No CA certificate has more non-self-issued intermediates below it than its pathLen allows. */
export function checkPathLength(bundle: ParsedBundle): Check {
  const faults = new Map<ParsedCert, string>();
  for (const start of bundle.ca) {
    const walk = [start, ...pathFrom(start, bundle.ca).path];
    for (const [position, cert] of walk.entries()) {
      const limit = cert.x509.getExtension(x509.BasicConstraintsExtension)?.pathLength;
      if (limit === undefined || faults.has(cert)) continue;

      const below = walk.slice(0, position).filter((other) => !isSelfIssued(other));
      if (below.length <= limit) continue;
      const names = below.map((other) => nameOf(other)).join(', ');
      faults.set(
        cert,
        `${label(cert, bundle)} allows ${limit} intermediate CA(s) below it (pathLenConstraint ` +
          `${limit}) but has ${below.length}: ${names}`,
      );
    }
  }

  if (faults.size > 0) {
    return check.fail(
      'ca',
      'path-length',
      `${[...faults.values()].join('; ')}: TLS peers refuse the chain`,
      'shorten the chain, or reissue the CA with a larger pathLenConstraint',
    );
  }
  return check.pass('ca', 'path-length', 'every path length constraint in ca holds');
}

/** The CA certificates on some leaf's chain, or null when no leaf parsed. */
export function relatedCas(bundle: ParsedBundle): Set<ParsedCert> | null {
  const leaves = leafFields(bundle).flatMap((field) => bundle.leaves[field] ?? []);
  if (leaves.length === 0) return null;
  return new Set(leaves.flatMap((leaf) => pathFrom(leaf, bundle.ca).path));
}
