/**
 * Bundles for suite tests, made with src/gen/pki.ts: a healthy SMS-shaped bundle (a root CA,
 * the source client leaf and two target server leaves) and ways to swap any piece of it.
 */
import {
  makeCert,
  makeKey,
  keyToPem,
  type CertSpec,
  type Issued,
  type KeyPair,
} from '../../src/gen/pki.js';
import { parseBundle } from '../../suites/parse.js';
import {
  KEY_OF,
  LEAF_FIELDS,
  ROLE_OF,
  type Check,
  type CheckOptions,
  type Field,
  type LeafField,
  type ParsedBundle,
  type RawBundle,
  type Suite,
} from '../../src/model.js';

/** A generated bundle's pieces: the CA certificates in field order, and each leaf. */
export interface Pki {
  ca: Issued[];
  leaves: Record<LeafField, Issued>;
}

/** Options judged at a fixed moment, far from every generated date. */
export function options(overrides: Partial<CheckOptions> = {}): CheckOptions {
  return { at: new Date(), minDays: 30, handshakeTimeoutMs: 10_000, ...overrides };
}

let sharedRoot: Promise<Issued> | null = null;

/** A healthy root CA, made once per test file. */
export function root(): Promise<Issued> {
  sharedRoot ??= makeKey({ type: 'ec' }).then((key) =>
    makeCert({ subject: 'CN=SMS Test Root CA', key, ca: true }),
  );
  return sharedRoot;
}

/** A healthy leaf for a field, issued by `issuer`, with any spec overridden. */
export async function leaf(
  field: LeafField,
  issuer: Issued,
  overrides: Partial<CertSpec> = {},
  key?: KeyPair,
): Promise<Issued> {
  const usage = ROLE_OF[field] === 'client' ? 'clientAuth' : 'serverAuth';
  return makeCert({
    subject: `CN=${field}`,
    key: key ?? (await makeKey({ type: 'ec' })),
    issuer,
    extKeyUsage: [usage],
    ...overrides,
  });
}

/** A healthy bundle's pieces; `change` replaces leaves or CA certificates. */
export async function pki(
  change: { ca?: Issued[]; leaves?: Partial<Record<LeafField, Issued>> } = {},
): Promise<Pki> {
  const ca = change.ca ?? [await root()];
  const issuer = ca[0] as Issued;
  const leaves: Partial<Record<LeafField, Issued>> = { ...change.leaves };
  for (const field of LEAF_FIELDS) leaves[field] ??= await leaf(field, issuer);
  return { ca, leaves: leaves as Record<LeafField, Issued> };
}

/** The raw bundle of some pieces, with any field's text replaced or removed (undefined). */
export function rawOf(
  parts: Pki,
  fields: Partial<Record<Field, string | undefined>> = {},
): RawBundle {
  const raw: RawBundle = { fields: {}, wrongType: {}, caFieldName: 'ca', origin: 'test' };
  raw.fields.ca = parts.ca.map((cert) => cert.pem).join('');
  for (const field of LEAF_FIELDS) {
    raw.fields[field] = parts.leaves[field].pem;
    raw.fields[KEY_OF[field]] = keyToPem(parts.leaves[field].key, 'pkcs8');
  }
  for (const [field, text] of Object.entries(fields) as [Field, string | undefined][]) {
    if (text === undefined) delete raw.fields[field];
    else raw.fields[field] = text;
  }
  return raw;
}

/** Parses some pieces into a bundle, as the runner would. */
export function bundleOf(parts: Pki, fields: Partial<Record<Field, string | undefined>> = {}) {
  return parseBundle(rawOf(parts, fields));
}

/** The parsed bundle alone. */
export function parsed(
  parts: Pki,
  fields: Partial<Record<Field, string | undefined>> = {},
): ParsedBundle {
  return bundleOf(parts, fields).bundle;
}

/** Days from now as a Date. */
export function days(n: number, from = Date.now()): Date {
  return new Date(from + n * 86_400_000);
}

/** Runs one suite over a bundle. */
export function runSuite(suite: Suite, bundle: ParsedBundle, at: CheckOptions = options()) {
  return suite.run({ bundle, options: at, earlier: [] });
}

/** The one check of a subject and name; throws when it is missing or repeated. */
export function pick(checks: readonly Check[], subject: Field, name: string): Check {
  const found = checks.filter((check) => check.subject === subject && check.name === name);
  if (found.length !== 1) throw new Error(`${found.length} checks ${subject}/${name}`);
  return found[0] as Check;
}

/** A self-signed CA certificate. */
export async function caCert(subject: string, overrides: Partial<CertSpec> = {}): Promise<Issued> {
  return makeCert({ subject, key: await makeKey({ type: 'ec' }), ca: true, ...overrides });
}
