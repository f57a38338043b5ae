/**
 * How the certificates of the CA field hang together: a trust anchor (a self-signed root)
 * at the top, every other certificate issued by the one above it as OpenSSL judges it, and
 * path lengths held (RFC 5280 4.2.1.9).
 */
import type { Check, ParsedBundle, ParsedCert } from '../model.js';
import { issuerOf, nameOf } from '../parse/describe.js';
import { checker, leafFields, whichCert } from './common.js';
import {
  isSelfIssued,
  isSelfSigned,
  issuerIn,
  namedIssuers,
  pathFrom,
  refusal,
  verifiedBy,
  type PathEnd,
} from './issuers.js';
import { x509 } from '../parse/x509.js';
import { extensionOf } from '../parse/extensions.js';

const check = checker('chain');

type Broken = Exclude<PathEnd, { kind: 'anchor' }>;

function label(cert: ParsedCert, bundle: ParsedBundle): string {
  return `${whichCert(cert, bundle)} ${nameOf(cert)}`;
}

/** The CA certificates on some leaf's chain, or null when no leaf parsed. */
export function relatedCas(bundle: ParsedBundle): Set<ParsedCert> | null {
  const leaves = leafFields(bundle).flatMap((field) => bundle.leaves[field] ?? []);
  if (leaves.length === 0) return null;
  return new Set(leaves.flatMap((leaf) => pathFrom(leaf, bundle.ca).path));
}

/**
 * The CA certificates the checks judge: all of the CA field, or for a trust store (a view
 * with a scope) only those on the leaf's chain, since a store may hold anything else.
 */
export function judgedCas(bundle: ParsedBundle): ParsedCert[] {
  const related = bundle.scope ? relatedCas(bundle) : null;
  if (!related || related.size === 0) return bundle.ca;
  return bundle.ca.filter((cert) => related.has(cert));
}

/** The CA field holds a self-signed root that every CA certificate leads up to. */
export function checkAnchor(bundle: ParsedBundle): Check {
  const walks = judgedCas(bundle).map((cert) => pathFrom(cert, bundle.ca));
  const broken = walks.map((walk) => walk.end).find((end): end is Broken => end.kind !== 'anchor');
  if (!broken) {
    const anchors = new Set(
      walks.map(({ end }) => (end.kind === 'anchor' ? nameOf(end.anchor) : '')),
    );
    return check.pass(
      'ca',
      'anchor',
      `ca leads up to the self-signed root ${[...anchors].join(', ')}`,
    );
  }

  const last = label(broken.last, bundle);
  if (broken.kind === 'no-issuer' && isSelfIssued(broken.last)) {
    const why = refusal(broken.last, broken.last) ?? 'it is not self-signed';
    return check.fail(
      'ca',
      'anchor',
      `ca holds no trust anchor: ${last} names itself as issuer, but ${why}`,
      'fetch the bundle again; if it persists, SMS must reissue the CA certificate',
    );
  }
  if (broken.kind === 'no-issuer') {
    return check.fail(
      'ca',
      'anchor',
      `ca holds no trust anchor (self-signed root): ${last} is issued by ` +
        `${issuerOf(broken.last)}, which ca does not hold; an intermediate alone cannot be trusted`,
      `add the root certificate ${issuerOf(broken.last)} to ca, after the intermediates`,
    );
  }
  return check.fail(
    'ca',
    'anchor',
    `ca holds no trust anchor: the chain above ${last} is broken (see the issuers check)`,
    'fetch the bundle again; the CA certificates must come from the same reply',
  );
}

/** Each CA certificate below a root is issued, as OpenSSL judges it, by the one named above it. */
export function checkCaIssuers(bundle: ParsedBundle): Check {
  const faults: string[] = [];
  const unknown: string[] = [];
  for (const cert of judgedCas(bundle)) {
    if (isSelfSigned(cert)) continue;
    const named = namedIssuers(cert, bundle.ca);
    const issuer = issuerIn(cert, bundle.ca);
    if (issuer && verifiedBy(cert, issuer) === 'unknown') unknown.push(label(cert, bundle));
    if (issuer || named.length === 0) continue;

    const reasons = named.map((other) => refusal(cert, other)).filter((why) => why !== null);
    faults.push(
      `${label(cert, bundle)} is not issued by ${issuerOf(cert)} in ca: ${reasons.join('; ')}`,
    );
  }

  if (faults.length > 0) {
    return check.fail(
      'ca',
      'issuers',
      `${faults.join('; ')} (a different CA with the same name signed it, or the bundle is ` +
        'altered)',
      'fetch the bundle again: every certificate of ca must come from the same SMS CA',
    );
  }
  if (unknown.length > 0) {
    return check.skip(
      'ca',
      'issuers',
      `skipped: certkey cannot verify the signature algorithm of ${unknown.join(', ')} (a ` +
        'limit of certkey, not a defect of the bundle)',
    );
  }
  return check.pass('ca', 'issuers', 'every certificate in ca is issued by the one above it');
}

/** No CA certificate has more non-self-issued intermediates below it than its pathLen allows. */
export function checkPathLength(bundle: ParsedBundle): Check {
  const faults = new Map<ParsedCert, string>();
  for (const start of judgedCas(bundle)) {
    const walk = [start, ...pathFrom(start, bundle.ca).path];
    for (const [position, cert] of walk.entries()) {
      const limit = extensionOf(cert, x509.BasicConstraintsExtension)?.pathLength;
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
