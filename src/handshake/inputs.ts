/**
 * The bundle material a loopback handshake needs, taken from the parsed bundle, or the reason
 * it cannot be had: a field missing, not parsed, or redacted to a public key.
 */
import type { KeyObject } from 'node:crypto';
import { LEAF_FIELDS } from '../model.js';
import type { Check, Field, KeyField, LeafField, ParsedBundle } from '../model.js';
import type { Identity } from './mutual.js';

/** Why a field cannot be used, or undefined when it can. */
export function unusable(
  field: Field,
  bundle: ParsedBundle,
  earlier: readonly Check[],
): string | undefined {
  if (isPresent(field, bundle)) return undefined;

  if (bundle.publicKeys[field as KeyField] !== undefined) {
    const why = 'mutual TLS needs the private keys';
    return `${field} holds a public key only (a redacted bundle): ${why}`;
  }
  const parse = earlier.find(
    (check) => check.suite === 'parse' && check.subject === field && check.status === 'fail',
  );
  // The parse suite's messages name the field and hold no key material; reuse them as they are.
  if (parse) return parse.message.startsWith(field) ? parse.message : `${field}: ${parse.message}`;
  if (bundle.raw.fields[field] === undefined && bundle.raw.wrongType[field] === undefined) {
    return `${field} is missing from the bundle`;
  }
  return `${field} did not parse`;
}

/** Whether the bundle was redacted: marked so, or public keys stand in for every private key. */
export function isRedacted(bundle: ParsedBundle): boolean {
  if (bundle.raw.redacted === true) return true;
  return Object.keys(bundle.keys).length === 0 && Object.keys(bundle.publicKeys).length > 0;
}

/** Whether a leaf is among those the checks are about (all, unless the bundle is a view). */
export function inScope(bundle: ParsedBundle, leaf: LeafField): boolean {
  return bundle.scope === undefined || bundle.scope.includes(leaf);
}

/** The reasons any of `fields` cannot be used; empty when all can. */
export function missingInputs(
  fields: readonly Field[],
  bundle: ParsedBundle,
  earlier: readonly Check[],
): string[] {
  return fields.flatMap((field) => unusable(field, bundle, earlier) ?? []);
}

/** A leaf and its key as PEM, for node:tls; call only after `missingInputs` came back empty. */
export function identityOf(bundle: ParsedBundle, leaf: LeafField, keyField: KeyField): Identity {
  const cert = bundle.leaves[leaf];
  const key = bundle.keys[keyField];
  if (!cert || !key) throw new Error(`${leaf} or ${keyField} is not in the parsed bundle`);
  return { cert: cert.pem, key: pemOf(key) };
}

/** Keys already written out as PEM: each key is exported once, however many handshakes. */
const PEM_OF = new WeakMap<KeyObject, string>();

function pemOf(key: KeyObject): string {
  const known = PEM_OF.get(key);
  if (known !== undefined) return known;

  const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  PEM_OF.set(key, pem);
  return pem;
}

/** The CA certificates as PEM, for both sides' trust. */
export function caOf(bundle: ParsedBundle): string[] {
  return bundle.ca.map((cert) => cert.pem);
}

function isPresent(field: Field, bundle: ParsedBundle): boolean {
  if (field === 'ca') return bundle.ca.length > 0;
  if ((LEAF_FIELDS as readonly Field[]).includes(field)) {
    return bundle.leaves[field as LeafField] !== undefined;
  }
  return bundle.keys[field as KeyField] !== undefined;
}
