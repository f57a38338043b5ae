/**
 * The redacted bundle format written by `certkey export --redacted`, version 1:
 *
 * - the reply's field names (`ca` or `ca_cert` as received), in the order SMS sends them: the
 *   CA, then each leaf followed by its key;
 * - certificate fields copied unchanged, except that a PEM block labelled `PRIVATE KEY` (any
 *   kind, whole or cut short) is removed from them;
 * - each private key field replaced by its public key, a `-----BEGIN PUBLIC KEY-----` PEM
 *   (SubjectPublicKeyInfo, RFC 7468 section 13);
 * - a key field that held no readable private key left out, and named under `omitted`;
 * - fields the API does not define left out;
 * - first, the marker:
 *   `"certkey_redacted": {"version": 1, "fingerprints": {"private_key": "sha256:<hex>", ...}}`
 *   with the SHA-256 of each public key's DER SubjectPublicKeyInfo (what
 *   `openssl pkey -pubout -outform der | sha256sum` prints), plus `omitted` and `removed`
 *   (field name to reason) when anything was left out.
 *
 * Only a file with this marker may hold a PUBLIC KEY in a key field; see suites/parse.ts.
 */
import { CertkeyError } from '../errors.js';
import { KEY_FIELDS, type Field, type KeyField } from '../model.js';

/** The marker's field name at the top level of a redacted bundle. */
export const REDACTED_MARKER = 'certkey_redacted';

/** The format version this certkey writes and reads. */
export const REDACTED_VERSION = 1;

/** The marker of a redacted bundle. */
export interface RedactedMarker {
  version: typeof REDACTED_VERSION;
  /** The SPKI SHA-256 of each key field's public key, as `sha256:` and 64 hex digits. */
  fingerprints: Partial<Record<KeyField, string>>;
  /** Key fields left out because they held no readable private key, with the reason. */
  omitted?: Partial<Record<KeyField, string>>;
  /** Certificate fields a private key block was removed from, with what was removed. */
  removed?: Partial<Record<Field | 'ca_cert', string>>;
}

/**
 * Reads the marker of a decoded bundle: undefined when there is none, the marker when it is
 * one this certkey understands. Throws E_INPUT_SHAPE for a marker of another shape or version.
 */
export function readRedactedMarker(json: unknown, origin: string): RedactedMarker | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = (json as Record<string, unknown>)[REDACTED_MARKER];
  if (value === undefined) return undefined;

  const marker = value as Partial<Record<keyof RedactedMarker, unknown>>;
  if (typeof value !== 'object' || value === null || marker.version !== REDACTED_VERSION) {
    const version =
      typeof value === 'object' && value !== null ? `version ${String(marker.version)}` : 'value';
    throw new CertkeyError(
      'E_INPUT_SHAPE',
      `${origin}: the ${REDACTED_MARKER} marker has a ${version} this certkey does not read ` +
        `(it reads version ${REDACTED_VERSION})`,
      'export the bundle again with this certkey: certkey export --redacted',
    );
  }

  return {
    version: REDACTED_VERSION,
    fingerprints: keyStrings(marker.fingerprints),
    ...optional('omitted', keyStrings(marker.omitted)),
    ...optional('removed', strings(marker.removed)),
  };
}

function optional<K extends string, V extends object>(key: K, value: V): Partial<Record<K, V>> {
  return Object.keys(value).length > 0 ? ({ [key]: value } as Record<K, V>) : {};
}

/** The string values of an object, by key field only. */
function keyStrings(value: unknown): Partial<Record<KeyField, string>> {
  const all = strings(value);
  const kept: Partial<Record<KeyField, string>> = {};
  for (const field of KEY_FIELDS) if (all[field] !== undefined) kept[field] = all[field];
  return kept;
}

function strings(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const entries = Object.entries(value).filter(([, text]) => typeof text === 'string');
  return Object.fromEntries(entries) as Record<string, string>;
}
