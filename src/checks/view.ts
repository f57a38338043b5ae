/**
 * A ParsedBundle-like view of loose PEM files, for checking certificates outside a certkey
 * reply (`certkey verify`): a CA list and one leaf in a TLS role, optionally with its key.
 * The leaf is placed in the field of its role (`cert` for a client, `target_mgmt_cert` for
 * a server), and the view's scope names only that field, so the suites judge it alone and
 * treat the CA list as a trust store (no order or extra-certificate checks).
 */
import {
  KEY_OF,
  type Check,
  type CheckOptions,
  type LeafField,
  type ParsedBundle,
  type RawBundle,
  type SuiteName,
} from '../model.js';
import { parseCertField, parseKeyField } from '../parse/fields.js';
import { runSuites } from './run.js';

/** What a view is built from: PEM texts, and where they came from for messages. */
export interface PemInputs {
  /** The CA certificates (root and any intermediates), PEM. */
  ca: string;
  /** The leaf certificate, PEM. */
  leaf: string;
  /** Its private key, PEM, when the pair should be checked. */
  key?: string;
  /** The leaf's TLS role. */
  role: 'client' | 'server';
  /** Where the files came from, such as `ca.pem + leaf.pem`. */
  origin: string;
}

/** The bundle field a leaf of this role is checked as. */
export function fieldForRole(role: 'client' | 'server'): LeafField {
  return role === 'client' ? 'cert' : 'target_mgmt_cert';
}

/** Parses loose PEM into a view; its parse checks name `ca`, the leaf's field and its key's. */
export function viewFromPems(inputs: PemInputs): { bundle: ParsedBundle; checks: Check[] } {
  const field = fieldForRole(inputs.role);
  const keyField = KEY_OF[field];
  const raw: RawBundle = {
    fields: { ca: inputs.ca, [field]: inputs.leaf },
    wrongType: {},
    origin: inputs.origin,
  };
  if (inputs.key !== undefined) raw.fields[keyField] = inputs.key;

  const bundle: ParsedBundle = {
    raw,
    leaves: {},
    ca: [],
    keys: {},
    publicKeys: {},
    scope: [field],
  };
  const ca = parseCertField(raw, 'ca');
  const leaf = parseCertField(raw, field);
  bundle.ca = ca.certs;
  const [cert] = leaf.certs;
  if (cert) bundle.leaves[field] = cert;
  const checks = [ca.check, leaf.check];

  if (inputs.key !== undefined) {
    const key = parseKeyField(raw, keyField, field);
    checks.push(key.check);
    if (key.key) bundle.keys[keyField] = key.key;
    if (key.publicKey) bundle.publicKeys[keyField] = key.publicKey;
  }
  return { bundle, checks };
}

/** Runs the static suites over a view: pair (given a key), chain, expiry, usage, strength. */
export async function checkView(
  inputs: PemInputs,
  options: CheckOptions,
): Promise<{ checks: Check[]; bundle: ParsedBundle }> {
  const { bundle, checks } = viewFromPems(inputs);
  const suites: SuiteName[] = ['chain', 'expiry', 'usage', 'strength'];
  if (inputs.key !== undefined) suites.unshift('pair');
  const later = await runSuites(bundle, options, suites, checks);
  return { checks: [...checks, ...later], bundle };
}
