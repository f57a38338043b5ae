/**
 * How one leaf chains to the CA field: its issuer is there by name, its authority key
 * identifier points at it, its signature verifies with that CA's key (two CAs with the same
 * name are told apart by the signature alone), its subject is its own, its extensions are
 * ones OpenSSL accepts, and walking up from it reaches a self-signed root.
 */
import type { Check, LeafField, ParsedBundle, ParsedCert } from '../model.js';
import { signatureAlgorithmOf } from '../parse/algorithms.js';
import { issuerOf, nameOf } from '../parse/describe.js';
import { certFingerprint } from '../parse/fingerprint.js';
import { checker, notParsed } from './common.js';
import { extensionDoubts, extensionFaults } from './extensions.js';
import { keyIdFault, keyIds, namedIssuers, pathFrom, sameName, verifiedBy } from './issuers.js';

const check = checker('chain');

/** The names of a leaf's chain checks, in report order. */
export const LEAF_CHECKS = [
  'issuer',
  'key-id',
  'signature',
  'distinct',
  'extensions',
  'path',
] as const;

const REFETCH = 'fetch the bundle again: the leaves and ca must come from the same certkey reply';

/** The leaf's issuer is named in the CA field. */
function checkIssuer(field: LeafField, leaf: ParsedCert, ca: ParsedCert[]): Check {
  if (leaf.x509.issuer === '') {
    return check.fail(
      field,
      'issuer',
      `${field} has an empty issuer name, which no CA can match`,
      REFETCH,
    );
  }
  if (namedIssuers(leaf, ca).length > 0) {
    return check.pass(field, 'issuer', `${field} is issued by ${issuerOf(leaf)}, which ca holds`);
  }
  const held = ca.map((cert) => nameOf(cert)).join(', ');
  return check.fail(
    field,
    'issuer',
    `${field} is issued by ${issuerOf(leaf)} but ca holds only ${held}: its issuer is missing`,
    `put the CA that issued ${field} in ca, or ${REFETCH}`,
  );
}

/** The leaf's authority key identifier matches its issuer's subject key identifier. */
function checkKeyId(field: LeafField, leaf: ParsedCert, issuers: ParsedCert[]): Check {
  const { aki } = keyIds(leaf);
  if (issuers.length === 0)
    return check.skip(field, 'key-id', 'skipped: ca holds no issuer of this name');
  if (aki === null) {
    return check.warn(
      field,
      'key-id',
      `${field} has no authority key identifier (RFC 5280 4.2.1.1 requires one); OpenSSL ` +
        'accepts that, strict verifiers (-x509_strict) do not',
      'reissue the leaf with authorityKeyIdentifier=keyid',
    );
  }

  const faults = issuers.map((issuer) => keyIdFault(leaf, issuer));
  if (faults.includes(null)) {
    return check.pass(field, 'key-id', `${field} names its issuer's key ${aki}`);
  }
  return check.fail(
    field,
    'key-id',
    `${field} does not point at its issuer: ${faults.join('; ')}; OpenSSL will not take that ` +
      'CA as its issuer',
    REFETCH,
  );
}

/** The leaf's signature verifies with the key of a CA of that name. */
function checkSignature(field: LeafField, leaf: ParsedCert, issuers: ParsedCert[]): Check {
  if (issuers.length === 0)
    return check.skip(field, 'signature', 'skipped: ca holds no issuer of this name');

  const verdicts = issuers.map((issuer) => ({ issuer, verdict: verifiedBy(leaf, issuer) }));
  const valid = verdicts.find(({ verdict }) => verdict === 'valid');
  if (valid) {
    const key = `${nameOf(valid.issuer)} (${certFingerprint(valid.issuer)})`;
    const message = `the signature of ${field} verifies with the key of ${key}`;
    return check.pass(field, 'signature', message);
  }
  if (verdicts.some(({ verdict }) => verdict === 'unknown')) {
    const algorithm = signatureAlgorithmOf(leaf).name;
    return check.skip(
      field,
      'signature',
      `skipped: certkey cannot verify ${algorithm} signatures (a limit of certkey, not a ` +
        'defect of the bundle)',
    );
  }
  const keys = issuers.map((issuer) => `${nameOf(issuer)} (${certFingerprint(issuer)})`).join(', ');
  return check.fail(
    field,
    'signature',
    `the signature of ${field} does not verify with the key of ${keys}: it was signed by a ` +
      'different CA with the same name',
    REFETCH,
  );
}

/** The leaf does not carry a CA's subject. */
function checkDistinct(field: LeafField, leaf: ParsedCert, ca: ParsedCert[]): Check {
  const twin = ca.find((cert) => sameName(cert.x509.subjectName, leaf.x509.subjectName));
  if (!twin) return check.pass(field, 'distinct', `${field}'s subject ${nameOf(leaf)} is its own`);
  return check.fail(
    field,
    'distinct',
    `${field} has the same subject as a CA certificate in ca (${nameOf(leaf)}): a peer may take ` +
      'it for its own issuer, and name-based chain building goes wrong',
    `reissue ${field} with a subject of its own, different from the CA's`,
  );
}

/** The leaf leads up to a self-signed root of the CA field. */
function checkPath(field: LeafField, leaf: ParsedCert, ca: ParsedCert[]): Check {
  const { path, end } = pathFrom(leaf, ca);
  const route = [field, ...path.map((cert) => nameOf(cert))].join(' -> ');
  if (end.kind === 'anchor') return check.pass(field, 'path', `${route} (trust anchor)`);

  const last = end.last === leaf ? field : nameOf(end.last);
  const why =
    end.kind === 'no-issuer'
      ? `${last} is issued by ${issuerOf(end.last)}, which ca does not hold`
      : end.kind === 'refused'
        ? `${last} is not issued by ${nameOf(end.named)}: ${end.reason}`
        : `the chain loops back at ${last}`;
  return check.fail(field, 'path', `${route} reaches no self-signed root: ${why}`, REFETCH);
}

/** The leaf has no extension OpenSSL refuses. */
function checkExtensions(field: LeafField, leaf: ParsedCert): Check {
  const faults = extensionFaults(leaf);
  if (faults.length > 0) {
    return check.fail(
      field,
      'extensions',
      `${field}: ${faults.join('; ')}: OpenSSL refuses the certificate`,
      `reissue ${field} without the offending extension`,
    );
  }
  const doubts = extensionDoubts(leaf);
  if (doubts.length > 0) {
    return check.warn(
      field,
      'extensions',
      `${field}: ${doubts.join('; ')}; certkey cannot judge it and strict peers may refuse it`,
      `reissue ${field} with well-formed extensions`,
    );
  }
  return check.pass(field, 'extensions', `${field} has extensions OpenSSL accepts`);
}

/** All chain checks of one leaf. */
export function checkLeafChain(bundle: ParsedBundle, field: LeafField): Check[] {
  const leaf = bundle.leaves[field];
  const missing = !leaf ? field : bundle.ca.length === 0 ? 'ca' : null;
  if (!leaf || missing)
    return LEAF_CHECKS.map((name) => check.skip(field, name, notParsed(missing ?? field)));

  const issuers = namedIssuers(leaf, bundle.ca);
  return [
    checkIssuer(field, leaf, bundle.ca),
    checkKeyId(field, leaf, issuers),
    checkSignature(field, leaf, issuers),
    checkDistinct(field, leaf, bundle.ca),
    checkExtensions(field, leaf),
    checkPath(field, leaf, bundle.ca),
  ];
}
