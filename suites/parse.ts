/**
 * The parse suite: one check per bundle field, and the parsed bundle every later suite
 * reads. A field that fails here is skipped, with its name, by the suites after it.
 */
import {
  KEY_OF,
  LEAF_FIELDS,
  type Check,
  type KeyField,
  type LeafField,
  type ParsedBundle,
  type RawBundle,
} from '../src/model.js';
import { parseCertField, parseKeyField, type KeyFieldResult } from '../src/parse/fields.js';

/** Parses every field of a raw bundle; `scope` limits the leaves (and their keys) read. */
export function parseBundle(
  raw: RawBundle,
  scope: readonly LeafField[] = LEAF_FIELDS,
): { bundle: ParsedBundle; checks: Check[] } {
  const checks: Check[] = [];
  const bundle: ParsedBundle = { raw, leaves: {}, ca: [], keys: {}, publicKeys: {} };
  if (scope !== LEAF_FIELDS) bundle.scope = scope;

  const ca = parseCertField(raw, 'ca');
  checks.push(ca.check);
  bundle.ca = ca.certs;

  for (const leaf of scope) {
    const result = parseCertField(raw, leaf);
    checks.push(result.check);
    const [cert] = result.certs;
    if (cert) bundle.leaves[leaf] = cert;
  }

  for (const leaf of scope) {
    const field = KEY_OF[leaf];
    const result = redactedOnly(raw, field, leaf, parseKeyField(raw, field, leaf));
    checks.push(result.check);
    if (result.key) bundle.keys[field] = result.key;
    if (result.publicKey) bundle.publicKeys[field] = result.publicKey;
  }
  return { bundle, checks };
}

/**
 * A public key stands in for a private key only in a file marked by `certkey export
 * --redacted`; anywhere else it is a mistake, and the key field fails.
 */
function redactedOnly(
  raw: RawBundle,
  field: KeyField,
  leaf: LeafField,
  result: KeyFieldResult,
): KeyFieldResult {
  if (!result.publicKey || raw.redacted === true) return result;

  const message =
    `${field} holds a public key where the private key of ${leaf} belongs, and the file is ` +
    'not a redacted export (it has no certkey_redacted marker)';
  const remedy =
    `put the private key of ${leaf} in ${field}; a bundle with public keys only is made by ` +
    'certkey export --redacted';
  return { check: { ...result.check, status: 'fail', message, remedy } };
}
