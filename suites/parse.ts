/**
 * The parse suite: one check per bundle field, and the parsed bundle every later suite
 * reads. A field that fails here is skipped, with its name, by the suites after it.
 */
import {
  KEY_OF,
  LEAF_FIELDS,
  type Check,
  type LeafField,
  type ParsedBundle,
  type RawBundle,
} from '../src/model.js';
import { parseCertField, parseKeyField } from '../src/parse/fields.js';

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
    const result = parseKeyField(raw, field, leaf);
    checks.push(result.check);
    if (result.key) bundle.keys[field] = result.key;
    if (result.publicKey) bundle.publicKeys[field] = result.publicKey;
  }
  return { bundle, checks };
}
