/**
 * Builds the redacted copy of a bundle (the format is in format.ts): every private key
 * replaced by its public key and fingerprint, and a final scan that refuses to hand back a
 * copy in which any private key material survived.
 */
import { createPublicKey } from 'node:crypto';
import { CertkeyError } from '../errors.js';
import {
  KEY_FIELDS,
  KEY_OF,
  LEAF_FIELDS,
  type Field,
  type KeyField,
  type LeafField,
  type RawBundle,
} from '../model.js';
import { parseKeyField } from '../parse/fields.js';
import { keyFingerprint } from '../parse/fingerprint.js';
import { privateKeyForm } from '../parse/key.js';
import { REDACTED_MARKER, REDACTED_VERSION, type RedactedMarker } from './format.js';
import { holdsSecret, scanTargets, secretLines, type ScanTargets } from './scan.js';

export { secretLines } from './scan.js';

/** A redacted copy: its JSON text and its marker. */
export interface Redacted {
  text: string;
  marker: RedactedMarker;
}

/** A PEM block labelled as any kind of private key, whole or cut short at the end. */
const PRIVATE_BLOCK = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END [^-]*-----|$)/g;

/**
 * Redacts a raw bundle. Throws E_INPUT_SHAPE when the final scan finds key material in a
 * field copied from the input, E_INTERNAL when it finds any elsewhere in the copy.
 */
export function redactBundle(raw: RawBundle): Redacted {
  const marker: RedactedMarker = { version: REDACTED_VERSION, fingerprints: {} };
  const omitted: Partial<Record<KeyField, string>> = {};
  const removed: Partial<Record<Field | 'ca_cert', string>> = {};
  const fields: Record<string, string> = {};
  const secrets: string[] = [];

  const caName = raw.caFieldName ?? 'ca';
  for (const field of ['ca', ...LEAF_FIELDS] as const) {
    const name = field === 'ca' ? caName : field;
    const wrong = raw.wrongType[field];
    if (wrong !== undefined) removed[name] = `a ${wrong}, not a PEM string: left out`;
    const text = raw.fields[field];
    if (text === undefined) continue;

    const blocks = text.match(PRIVATE_BLOCK) ?? [];
    secrets.push(...blocks);
    const kept = text.replace(PRIVATE_BLOCK, '');
    if (/PRIVATE KEY/.test(kept)) {
      removed[name] = 'a private key PEM that could not be cut out: the whole field left out';
      secrets.push(text);
      continue;
    }
    if (blocks.length > 0) removed[name] = `${blocks.length} private key block(s) removed`;
    fields[name] = kept;
  }

  for (const field of KEY_FIELDS) {
    const leaf = LEAF_FIELDS.find((each) => KEY_OF[each] === field) as LeafField;
    const text = raw.fields[field];
    const wrong = raw.wrongType[field];
    if (wrong !== undefined) omitted[field] = `a ${wrong}, not a PEM string: left out`;
    if (text === undefined) continue;

    const { check, key, publicKey } = parseKeyField(raw, field, leaf);
    const half = key ? createPublicKey(key) : publicKey;
    if (key || !publicKey) secrets.push(text);
    if (!half) {
      const why = check.message.replace(/PRIVATE KEY/g, 'private key');
      omitted[field] = `held no readable private key (${why}): left out`;
      continue;
    }
    fields[field] = half.export({ type: 'spki', format: 'pem' }).toString();
    marker.fingerprints[field] = keyFingerprint(half, true);
  }

  if (Object.keys(omitted).length > 0) marker.omitted = omitted;
  if (Object.keys(removed).length > 0) marker.removed = removed;
  const ordered = [caName, ...LEAF_FIELDS.flatMap((leaf) => [leaf, KEY_OF[leaf]])];
  const copy: Record<string, unknown> = { [REDACTED_MARKER]: marker };
  for (const name of ordered) if (fields[name] !== undefined) copy[name] = fields[name];
  const text = `${JSON.stringify(copy, null, 2)}\n`;
  const certificates = Object.entries(fields).filter(([name]) => !isKeyField(name));
  const allowed = new Set(certificates.flatMap(([, kept]) => secretLines(kept)));
  const targets = scanTargets(secrets, allowed);
  refuseKeyMaterial(raw.origin, certificates, targets);
  if (holdsSecret(text, targets)) throw leaked();
  return { text, marker };
}

/**
 * The guarantee behind the format: no `PRIVATE KEY` label and no private value of any key
 * that held private key material appears in the copy (scan.ts), checked on the JSON as
 * written. For a text that does not decode as a private key, no base64 line of it may appear,
 * except lines of the certificates kept: a key field holding a copy of its certificate is not
 * a secret.
 */
export function assertNoSecrets(
  text: string,
  secrets: readonly string[],
  certificateLines: ReadonlySet<string> = new Set(),
): void {
  if (holdsSecret(text, scanTargets(secrets, certificateLines))) throw leaked();
}

/**
 * Refuses a copy whose certificate field kept key material from the input: a key outside any
 * block labelled PRIVATE KEY (under `CERTIFICATE`, a misspelt label, bare base64) is not cut
 * out. Such a key is found two ways: the values of the bundle's own keys (the scan), and any
 * block or bare base64 text of the field that node:crypto loads as a private key, so a key of
 * another pair is found too. The user can remove it, so this is bad input, not a bug.
 *
 * Limitation: an encrypted private key under another label does not load without its
 * passphrase and is copied like the rest of the field; encrypted, it is no usable secret.
 */
function refuseKeyMaterial(
  origin: string,
  certificates: ReadonlyArray<[string, string]>,
  targets: ScanTargets,
): void {
  const found = certificates.find(
    ([, kept]) => holdsSecret(JSON.stringify(kept), targets) || loadsAsKey(kept),
  );
  if (!found) return;

  const [field] = found;
  throw new CertkeyError(
    'E_INPUT_SHAPE',
    `${origin}: ${field} holds private key material outside any block labelled as a ` +
      'private key, so it cannot be cut out; the redacted copy was not written',
    `remove the private key material from ${field} (keep only its certificates), then ` +
      'export again',
  );
}

/** Every BEGIN/END span, wherever its lines break, and the base64 inside it. */
const ANY_BLOCK = /-----BEGIN [^-]*-----([\s\S]*?)-----END [^-]*-----/g;

/**
 * True when a PEM block of the field, whatever its label, or a run of base64 lines outside the
 * blocks loads as a private key. Blocks are found by their BEGIN and END markers alone, not by
 * the PEM reader, which would pass over a block glued to the line before it.
 */
function loadsAsKey(text: string): boolean {
  const bodies = [...text.matchAll(ANY_BLOCK)].map((match) => match[1] ?? '');
  bodies.push(...base64Runs(text.replace(ANY_BLOCK, '\n')));

  return bodies.some((body) => {
    const der = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    return der.length > 0 && privateKeyForm(der) !== undefined;
  });
}

/** The runs of consecutive lines that hold nothing but base64 characters. */
function base64Runs(text: string): string[] {
  const runs: string[] = [];
  let run = '';
  for (const line of text.split(/\r?\n|\\n/)) {
    if (/^\s*[A-Za-z0-9+/=]+\s*$/.test(line)) {
      run += line;
      continue;
    }
    if (run) runs.push(run);
    run = '';
  }
  if (run) runs.push(run);
  return runs;
}

/** Key material found where the redaction put only public material: a bug in certkey. */
function leaked(): CertkeyError {
  return new CertkeyError(
    'E_INTERNAL',
    'the redacted copy still held private key material, so it was not written',
    'this is a bug in certkey: report it without the bundle, and do not share the bundle',
  );
}

function isKeyField(name: string): boolean {
  return (KEY_FIELDS as readonly string[]).includes(name);
}
