/**
 * What `certkey inspect` shows, as data: every certificate described, every key reduced to
 * its type, size and public key fingerprint with whether it pairs with its certificate, the
 * fields that did not parse, and the chain tree. `--json` prints this object as it is.
 */
import type { KeyObject } from 'node:crypto';
import {
  KEY_FIELDS,
  LEAF_FIELDS,
  type Check,
  type Field,
  type KeyField,
  type LeafField,
  type ParsedBundle,
  type RawBundle,
  type Status,
} from '../model.js';
import { describeKey } from '../parse/describe.js';
import { keyFingerprint } from '../parse/fingerprint.js';
import { matchKeyPair } from '../../suites/pair.js';
import { parseBundle } from '../../suites/parse.js';
import { viewCert, type CertView } from './cert-view.js';
import { chainTree, type ChainView } from './chain-tree.js';

/** A key field: never the key, only what its public half shows. */
export interface KeyView {
  field: KeyField;
  /** A private key, or the public key a redacted export left in its place. */
  holds: 'private key' | 'public key';
  /** Type and size, such as `RSA-2048`. */
  key: string;
  /** SHA-256 of its public key's SubjectPublicKeyInfo, as `sha256:` and 64 hex digits. */
  spkiSha256: string;
  /** The pair suite's verdict: does it hold the same public key as its certificate. */
  match: { leaf: LeafField; status: Status; message: string };
}

/** A field that did not parse cleanly, in the parse suite's words. */
export interface FieldIssue {
  field: Field;
  status: Status;
  message: string;
  remedy?: string;
  note?: string;
}

/** Everything inspect shows. */
export interface InspectView {
  origin: string;
  /** The moment days left are counted from. */
  at: string;
  /** The file is a redacted export: public keys stand in for the private keys. */
  redacted: boolean;
  /** Intake notes, such as the CA arriving as `ca_cert`. */
  notes: string[];
  certificates: CertView[];
  keys: KeyView[];
  /** Parse checks that did not pass, and passes with a note. */
  issues: FieldIssue[];
  chain: ChainView;
}

/** Parses a raw bundle and describes it as of `at`. */
export function inspectBundle(raw: RawBundle, at: Date): InspectView {
  const { bundle, checks } = parseBundle(raw);

  const certificates = bundle.ca.map((cert, index) =>
    viewCert(cert, bundle.ca.length === 1 ? 'ca' : `ca #${index + 1}`, at),
  );
  for (const field of LEAF_FIELDS) {
    const cert = bundle.leaves[field];
    if (cert) certificates.push(viewCert(cert, field, at));
  }

  return {
    origin: raw.origin,
    at: at.toISOString(),
    redacted: raw.redacted === true,
    notes: raw.notes ?? [],
    certificates,
    keys: KEY_FIELDS.flatMap((field, index) => keyView(bundle, field, index)),
    issues: checks.filter((check) => check.status !== 'pass' || check.note).map(issueOf),
    chain: chainTree(bundle, at),
  };
}

function keyView(bundle: ParsedBundle, field: KeyField, index: number): KeyView[] {
  const leaf = LEAF_FIELDS[index] as LeafField;
  const privateKey = bundle.keys[field];
  const key: KeyObject | undefined = privateKey ?? bundle.publicKeys[field];
  if (!key) return [];

  const { status, message } = matchKeyPair(bundle, leaf);
  return [
    {
      field,
      holds: privateKey ? 'private key' : 'public key',
      key: describeKey(key),
      spkiSha256: keyFingerprint(key, true),
      match: { leaf, status, message },
    },
  ];
}

function issueOf(check: Check): FieldIssue {
  const { subject: field, status, message, remedy, note } = check;
  return {
    field,
    status,
    message,
    ...(remedy === undefined ? {} : { remedy }),
    ...(note === undefined ? {} : { note }),
  };
}
