/**
 * The shape of a catalogue entry: how to build a bundle with one defect, and which checks
 * that defect must make fail.
 */
import type { Field, SuiteName } from '../../model.js';
import type { KeyPair, KeySpec } from '../pki.js';

/** One (suite, subject) pair of the report. */
export interface Expect {
  suite: SuiteName;
  subject: Field;
}

/** What a defect's bundle is built with: a lease of distinct keys. */
export interface BuildContext {
  take(spec?: KeySpec): Promise<KeyPair>;
}

/** One entry of the catalogue. */
export interface Defect {
  /** One sentence: what is wrong, or for healthy variants, what is unusual. */
  description: string;
  /** A variant every suite must pass. */
  healthy?: boolean;
  /** Exactly the pairs that must fail. */
  fails: Expect[];
  /** Pairs that fail on some Node/OpenSSL versions and pass on others. */
  mayFail?: Expect[];
  /** Pairs that must warn. */
  warns?: Expect[];
  /** Words the failing checks' messages must contain, such as `passphrase`. */
  mentions?: RegExp;
  /** Builds the bundle as the SMS reply's fields. */
  build(context: BuildContext): Promise<Record<string, string>>;
}

/** The pairs of one suite for several subjects: `on('chain', 'cert', 'ca')`. */
export function on(suite: SuiteName, ...subjects: Field[]): Expect[] {
  return subjects.map((subject) => ({ suite, subject }));
}

/** The handshake pairs: one per target listener. */
export function mtls(...targets: Array<'target_mgmt_cert' | 'target_data_cert'>): Expect[] {
  return on('mtls', ...targets);
}

/** Both targets' handshakes: what a problem with the client side fails. */
export const BOTH_HANDSHAKES: Expect[] = mtls('target_mgmt_cert', 'target_data_cert');
