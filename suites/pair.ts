/**
 * The pair suite: each leaf certificate and its private key hold the same public key,
 * whatever the key type. The key's public half is derived by node:crypto and compared
 * with the certificate's; nothing about the private key is shown but its fingerprint.
 */
import type { KeyObject } from 'node:crypto';
import { checker, leafFields, notParsed } from '../src/checks/common.js';
import { sameKey } from '../src/checks/keys.js';
import { article, describeKey, publicKeyOf } from '../src/parse/describe.js';
import { keyFingerprint, publicHalf } from '../src/parse/fingerprint.js';
import {
  KEY_OF,
  LEAF_FIELDS,
  type Check,
  type LeafField,
  type ParsedBundle,
  type Suite,
} from '../src/model.js';

const check = checker('pair');
const NAME = 'key-match';

/** The public key standing for a leaf's private key: derived from it, or a redacted copy. */
function keyPublicHalf(bundle: ParsedBundle, leaf: LeafField): KeyObject | null {
  const field = KEY_OF[leaf];
  const key = bundle.keys[field];
  if (key) return publicHalf(key);
  return bundle.publicKeys[field] ?? null;
}

/** Checks one leaf against its key. */
export function matchKeyPair(bundle: ParsedBundle, leaf: LeafField): Check {
  const keyField = KEY_OF[leaf];
  const cert = bundle.leaves[leaf];
  if (!cert) return check.skip(leaf, NAME, notParsed(leaf));
  const fromKey = keyPublicHalf(bundle, leaf);
  if (!fromKey) return check.skip(leaf, NAME, notParsed(keyField));

  const fromCert = publicKeyOf(cert);
  if (!fromCert) {
    const type = cert.x509.publicKey.algorithm.name;
    const reason = `skipped: node:crypto cannot load the ${type} public key of ${leaf}`;
    return check.skip(leaf, NAME, `${reason} (a limit of certkey, not a defect of the bundle)`);
  }

  const redacted = bundle.keys[keyField] ? '' : ' (the public key a redacted bundle kept)';
  const certWords = `${describeKey(fromCert)} ${keyFingerprint(fromCert)}`;
  if (sameKey(fromCert, fromKey)) {
    const message = `${leaf} and ${keyField}${redacted} hold the same ${certWords} public key`;
    return check.pass(leaf, NAME, message);
  }

  const keyWords = `${describeKey(fromKey)} ${keyFingerprint(fromKey)}`;
  const owner = LEAF_FIELDS.find((other) => other !== leaf && holds(bundle, other, fromKey));
  const swapped = owner ? `; it is the key of ${owner}: the keys are swapped` : '';
  return check.fail(
    leaf,
    NAME,
    `${leaf} holds ${article(certWords)} public key but ${keyField} is the private key of ` +
      `${article(keyWords)} public key: they are not a pair${swapped}`,
    `put the private key issued with ${leaf} in ${keyField}; both come from the same ` +
      'certkey reply, so fetch the bundle again rather than mixing files from different tasks',
  );
}

function holds(bundle: ParsedBundle, leaf: LeafField, key: KeyObject): boolean {
  const cert = bundle.leaves[leaf];
  const certKey = cert ? publicKeyOf(cert) : null;
  return certKey !== null && sameKey(certKey, key);
}

/** The pair suite. */
export const pairSuite: Suite = {
  name: 'pair',
  async run({ bundle }) {
    return leafFields(bundle).map((leaf) => matchKeyPair(bundle, leaf));
  },
};
