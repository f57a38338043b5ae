/**
 * The shapes shared by every stage: bundle fields as SMS spells them, parsed material and
 * the check results that the reports are made of.
 */
import type { KeyObject, X509Certificate as NodeCertificate } from 'node:crypto';
import type { X509Certificate } from '@peculiar/x509';

/** The leaf certificate fields of a certkey bundle, as the SMS API names them. */
export const LEAF_FIELDS = ['cert', 'target_mgmt_cert', 'target_data_cert'] as const;

/** The private key fields, in the same order as LEAF_FIELDS. */
export const KEY_FIELDS = [
  'private_key',
  'target_mgmt_private_key',
  'target_data_private_key',
] as const;

/** A leaf certificate field. */
export type LeafField = (typeof LEAF_FIELDS)[number];

/** A private key field. */
export type KeyField = (typeof KEY_FIELDS)[number];

/** A certificate field: a leaf or the CA (reported as `ca` whichever name the reply used). */
export type CertField = LeafField | 'ca';

/** Any bundle field a check can be about. */
export type Field = CertField | KeyField;

/** Every field in report order. */
export const ALL_FIELDS: readonly Field[] = ['ca', ...LEAF_FIELDS, ...KEY_FIELDS];

/** The key field that belongs with each leaf field. */
export const KEY_OF: Readonly<Record<LeafField, KeyField>> = {
  cert: 'private_key',
  target_mgmt_cert: 'target_mgmt_private_key',
  target_data_cert: 'target_data_private_key',
};

/** The TLS role a leaf plays: the source is the client, the targets are servers. */
export const ROLE_OF: Readonly<Record<LeafField, 'client' | 'server'>> = {
  cert: 'client',
  target_mgmt_cert: 'server',
  target_data_cert: 'server',
};

/** The target leaf fields, each a listener on the target server. */
export const TARGET_FIELDS = ['target_mgmt_cert', 'target_data_cert'] as const;

/** The names of the check suites, in the order they run and are reported. */
export const SUITE_NAMES = [
  'parse',
  'pair',
  'chain',
  'expiry',
  'usage',
  'strength',
  'mtls',
  'probe',
] as const;

/** A suite name. */
export type SuiteName = (typeof SUITE_NAMES)[number];

/** A check's verdict. */
export type Status = 'pass' | 'fail' | 'warn' | 'skip';

/** One check result: the unit every report is made of. */
export interface Check {
  /** The suite that ran the check. */
  suite: SuiteName;
  /** The bundle field the check is about. */
  subject: Field;
  /** The verdict. */
  status: Status;
  /** What was found, with numbers and names; for skips, the reason. */
  message: string;
  /** What to do about a failure or warning. */
  remedy?: string;
  /** A short, stable name of the check within its suite and subject, such as `signature`. */
  name: string;
  /** A note beside the verdict, such as the handshake disagreeing with a static failure. */
  note?: string;
}

/** A bundle as read from the API or a file, before any PEM is parsed. */
export interface RawBundle {
  /** The text of each field that was present and a string. */
  fields: Partial<Record<Field, string>>;
  /** Fields present but not strings (a number, an object): named in the parse suite. */
  wrongType: Partial<Record<Field, string>>;
  /** The name the CA arrived under, `ca` or `ca_cert`, when present. */
  caFieldName?: 'ca' | 'ca_cert';
  /** Where the bundle came from: a file path, `stdin` or the request URL without query. */
  origin: string;
  /** Choices intake made that a report should show, such as which CA field it kept. */
  notes?: string[];
  /**
   * True when the file carries the `certkey_redacted` marker of `certkey export --redacted`:
   * only then may a key field hold a PUBLIC KEY in place of the private key.
   */
  redacted?: boolean;
}

/** One parsed certificate. */
export interface ParsedCert {
  /** The field it came from. */
  field: CertField;
  /** Its DER encoding. */
  der: Uint8Array;
  /** Its PEM text, normalised. */
  pem: string;
  /** The @peculiar/x509 view: extensions, names, dates. */
  x509: X509Certificate;
  /** The node:crypto view: issuance checks and signature verification. */
  node: NodeCertificate;
}

/** The parsed bundle: every field that parsed, for the suites after `parse`. */
export interface ParsedBundle {
  raw: RawBundle;
  /** One certificate per leaf field that parsed. */
  leaves: Partial<Record<LeafField, ParsedCert>>;
  /** The CA field's certificates in the order given (root and intermediates). */
  ca: ParsedCert[];
  /** One private key per key field that parsed. */
  keys: Partial<Record<KeyField, KeyObject>>;
  /** For redacted bundles: public keys standing in for the private keys. */
  publicKeys: Partial<Record<KeyField, KeyObject>>;
  /**
   * The leaf fields the checks are about; all of LEAF_FIELDS when absent. A view built from
   * one leaf file (see src/checks/view.ts) names only that leaf, so the others are not
   * reported as missing, and its CA list is judged as a trust store (no order or
   * extra-certificate checks).
   */
  scope?: readonly LeafField[];
}

/** Options that change how checks judge. */
export interface CheckOptions {
  /** The moment certificates are judged at: now, or a planned cutover. */
  at: Date;
  /** Days of validity below which a certificate gets a warning. */
  minDays: number;
  /** Handshake timeout in milliseconds. */
  handshakeTimeoutMs: number;
}

/** What a suite gets: the parsed bundle, the options, and the parse suite's verdicts. */
export interface SuiteContext {
  bundle: ParsedBundle;
  options: CheckOptions;
  /** Checks produced so far, so later suites can skip with a reason. */
  earlier: readonly Check[];
}

/** A check suite: one file under suites/. */
export interface Suite {
  name: SuiteName;
  run(context: SuiteContext): Promise<Check[]>;
}
