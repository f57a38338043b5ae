/**
 * Parsed bundles for handshake tests, made with src/gen/pki.ts: a healthy SMS-shaped bundle
 * (one root CA, the source client leaf, two target server leaves) with any piece swapped.
 */
import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { X509Certificate } from '@peculiar/x509';
import { makeCert, makeKey, type CertSpec, type Issued, type KeySpec } from '../../src/gen/pki.js';
import {
  KEY_OF,
  LEAF_FIELDS,
  ROLE_OF,
  type CertField,
  type CheckOptions,
  type LeafField,
  type ParsedBundle,
  type ParsedCert,
} from '../../src/model.js';

/** A generated bundle's pieces. */
export interface Pki {
  ca: Issued;
  leaves: Record<LeafField, Issued>;
}

/** A CA certificate with a fresh EC key. */
export async function makeCa(subject = 'CN=SMS Test Root CA'): Promise<Issued> {
  return makeCert({ subject, key: await makeKey({ type: 'ec' }), ca: true });
}

/** A healthy leaf for a field (EC P-256, the right extendedKeyUsage, an IP SAN), overridable. */
export async function makeLeaf(
  field: LeafField,
  issuer: Issued,
  overrides: Partial<CertSpec> = {},
  key: KeySpec = { type: 'ec' },
): Promise<Issued> {
  return makeCert({
    subject: `CN=${field}`,
    key: await makeKey(key),
    issuer,
    extKeyUsage: [ROLE_OF[field] === 'client' ? 'clientAuth' : 'serverAuth'],
    san: ['127.0.0.1'],
    ...overrides,
  });
}

/** A healthy bundle's pieces, with any leaf given in `leaves`. */
export async function makePki(change: { ca?: Issued; leaves?: Partial<Pki['leaves']> } = {}) {
  const ca = change.ca ?? (await makeCa());
  const leaves: Partial<Record<LeafField, Issued>> = { ...change.leaves };
  for (const field of LEAF_FIELDS) leaves[field] ??= await makeLeaf(field, ca);
  return { ca, leaves: leaves as Record<LeafField, Issued> };
}

/** The parsed view of one certificate. */
export function parsedCert(field: CertField, issued: Issued): ParsedCert {
  const node = new NodeCertificate(issued.pem);
  return {
    field,
    der: new Uint8Array(node.raw),
    pem: issued.pem,
    x509: new X509Certificate(issued.pem),
    node,
  };
}

/** The parsed bundle of some pieces, as the parse suite would hand it on. */
export function bundleOf(pki: Pki): ParsedBundle {
  const bundle: ParsedBundle = {
    raw: { fields: {}, wrongType: {}, caFieldName: 'ca', origin: 'test' },
    leaves: {},
    ca: [parsedCert('ca', pki.ca)],
    keys: {},
    publicKeys: {},
  };
  bundle.raw.fields.ca = pki.ca.pem;
  for (const field of LEAF_FIELDS) {
    const leaf = pki.leaves[field];
    bundle.leaves[field] = parsedCert(field, leaf);
    bundle.keys[KEY_OF[field]] = leaf.key.privateKey;
    bundle.raw.fields[field] = leaf.pem;
    bundle.raw.fields[KEY_OF[field]] = '(key text)';
  }
  return bundle;
}

/** Check options with a generous handshake timeout for a busy machine. */
export function options(overrides: Partial<CheckOptions> = {}): CheckOptions {
  return { at: new Date(), minDays: 30, handshakeTimeoutMs: 20_000, ...overrides };
}

/** A certificate and its key as PEM, for the handshake functions. */
export function identity(issued: Issued): { cert: string; key: string } {
  return {
    cert: issued.pem,
    key: issued.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
