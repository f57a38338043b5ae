/**
 * What every static suite shares: building checks, the leaves in scope, and the reason a
 * check is skipped when the field it needs did not parse.
 */
import {
  LEAF_FIELDS,
  type Check,
  type Field,
  type LeafField,
  type ParsedBundle,
  type ParsedCert,
  type SuiteName,
} from '../model.js';

/** Builders of one suite's checks. */
export interface Checker {
  pass(subject: Field, name: string, message: string): Check;
  warn(subject: Field, name: string, message: string, remedy: string): Check;
  fail(subject: Field, name: string, message: string, remedy: string): Check;
  skip(subject: Field, name: string, reason: string): Check;
}

/** Makes the check builders of a suite. */
export function checker(suite: SuiteName): Checker {
  return {
    pass: (subject, name, message) => ({ suite, subject, status: 'pass', message, name }),
    warn: (subject, name, message, remedy) => ({
      suite,
      subject,
      status: 'warn',
      message,
      remedy,
      name,
    }),
    fail: (subject, name, message, remedy) => ({
      suite,
      subject,
      status: 'fail',
      message,
      remedy,
      name,
    }),
    skip: (subject, name, reason) => ({ suite, subject, status: 'skip', message: reason, name }),
  };
}

/** The leaf fields a bundle's checks are about. */
export function leafFields(bundle: ParsedBundle): readonly LeafField[] {
  return bundle.scope ?? LEAF_FIELDS;
}

/** The reason for skipping a check whose field did not parse. */
export function notParsed(field: Field): string {
  return `skipped: ${field} did not parse (see the parse suite)`;
}

/** The name of a check about one certificate of the CA field: `base`, or `base#2` for the 2nd. */
export function caCheckName(base: string, index: number, count: number): string {
  return count === 1 ? base : `${base}#${index + 1}`;
}

/** How a certificate is named in messages: its field, and its position in the CA field. */
export function whichCert(cert: ParsedCert, bundle: ParsedBundle): string {
  if (cert.field !== 'ca') return cert.field;
  const count = bundle.ca.length;
  return count === 1 ? 'ca' : `ca certificate ${bundle.ca.indexOf(cert) + 1} of ${count}`;
}
