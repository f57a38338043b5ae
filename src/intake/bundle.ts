/**
 * Turns a decoded certkey reply into a RawBundle: which fields arrived as strings, which
 * arrived as something else, and which name the CA came under. No PEM is parsed here.
 */
import { CertkeyError } from '../errors.js';
import { readRedactedMarker } from '../export/format.js';
import { ALL_FIELDS, type Field, type RawBundle } from '../model.js';

/** The API's limit on every field of the reply, in characters. */
export const MAX_FIELD_CHARS = 1_048_576;

/** The reply's fields as a sentence fragment, for messages. */
const EXPECTED =
  'a certkey reply is a JSON object with the fields cert, private_key, ca (or ca_cert), ' +
  'target_mgmt_cert, target_mgmt_private_key, target_data_cert and target_data_private_key';

/** Fields that are not the CA: read under their own name only. */
const OTHER_FIELDS = ALL_FIELDS.filter((field): field is Exclude<Field, 'ca'> => field !== 'ca');

/** Names a JSON value's type without showing the value. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Checks a decoded reply and sorts its fields. Throws E_INPUT_SHAPE when the reply is not a
 * JSON object or a field is over the API's 1 MiB limit. Unknown fields are ignored, but the
 * marker of `certkey export --redacted` sets `redacted` (see src/export/format.ts).
 */
export function toRawBundle(json: unknown, origin: string): RawBundle {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CertkeyError(
      'E_INPUT_SHAPE',
      `${origin}: the JSON is ${article(jsonTypeName(json))}, not an object: ${EXPECTED}`,
      'pass the body of GET /v3/tasks/{task_id}/certkey exactly as the service sent it',
    );
  }

  const reply = json as Record<string, unknown>;
  for (const name of [...ALL_FIELDS, 'ca_cert']) checkSize(reply, name, origin);

  const notes: string[] = [];
  const bundle: RawBundle = { fields: {}, wrongType: {}, origin };
  for (const field of OTHER_FIELDS) sortField(bundle, field, reply[field]);
  takeCa(bundle, reply, notes);
  if (readRedactedMarker(reply, origin)) bundle.redacted = true;
  refuseNoField(reply, origin);
  if (notes.length > 0) bundle.notes = notes;
  return bundle;
}

/**
 * Rejects an object without a single certkey field: an SMS error body saved in its place, or
 * some other JSON. Judged as a bundle, it would only fail every field.
 */
function refuseNoField(reply: Record<string, unknown>, origin: string): void {
  if ([...ALL_FIELDS, 'ca_cert'].some((name) => name in reply)) return;

  const code = reply['error_code'];
  const what =
    typeof code === 'string'
      ? `an SMS error reply (${clean(code)}), not a certkey reply`
      : 'a JSON object without any certkey field';
  throw new CertkeyError(
    'E_INPUT_SHAPE',
    `${origin}: the JSON is ${what}: ${EXPECTED}`,
    'pass the body of GET /v3/tasks/{task_id}/certkey exactly as the service sent it',
  );
}

/** An error code to quote: printable ASCII, at most 40 characters. */
function clean(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}

/** Rejects a string field longer than the API allows. */
function checkSize(reply: Record<string, unknown>, name: string, origin: string): void {
  const value = reply[name];
  if (typeof value !== 'string' || value.length <= MAX_FIELD_CHARS) return;

  throw new CertkeyError(
    'E_INPUT_SHAPE',
    `${origin}: field ${name} has ${value.length} characters, over the API's limit of ` +
      `${MAX_FIELD_CHARS}`,
    'this is not a certkey reply as SMS sends it: fetch the bundle again or check the file',
  );
}

/** Files one present field under `fields` or `wrongType`; absent fields stay absent. */
function sortField(bundle: RawBundle, field: Field, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === 'string') bundle.fields[field] = value;
  else bundle.wrongType[field] = jsonTypeName(value);
}

/**
 * Picks the CA from `ca` or `ca_cert`: the API's table says `ca`, its example `ca_cert`.
 * A string beats a non-string; between two different strings `ca` wins and a note says so.
 */
function takeCa(bundle: RawBundle, reply: Record<string, unknown>, notes: string[]): void {
  const ca = reply['ca'];
  const caCert = reply['ca_cert'];

  if (caCert === undefined || (typeof ca === 'string' && ca === caCert)) {
    if (ca !== undefined) bundle.caFieldName = 'ca';
    if (caCert !== undefined) notes.push('both ca and ca_cert are present and identical');
    sortField(bundle, 'ca', ca);
    return;
  }

  if (ca === undefined || (typeof ca !== 'string' && typeof caCert === 'string')) {
    bundle.caFieldName = 'ca_cert';
    if (ca !== undefined) notes.push(`ca is ${article(jsonTypeName(ca))}: used ca_cert instead`);
    sortField(bundle, 'ca', caCert);
    return;
  }

  bundle.caFieldName = 'ca';
  notes.push(
    typeof caCert === 'string'
      ? 'both ca and ca_cert are present and differ: checked ca, ignored ca_cert'
      : `ca_cert is ${article(jsonTypeName(caCert))}: ignored it, checked ca`,
  );
  sortField(bundle, 'ca', ca);
}

/** `an array`, `a string`. */
function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
