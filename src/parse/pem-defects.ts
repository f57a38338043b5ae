/**
 * The exact words for every way a field's PEM can be unreadable: what is wrong, naming the
 * field, and what to do. Tests compare these sentences verbatim, so change them with care.
 */

/** A stable name for each fault. */
export type PemDefectCode =
  | 'empty'
  | 'utf16'
  | 'escaped-newlines'
  | 'der'
  | 'not-pem'
  | 'bare-base64'
  | 'placeholder'
  | 'header-without-footer'
  | 'footer-without-header'
  | 'mismatched-labels'
  | 'bad-base64'
  | 'truncated-base64'
  | 'truncated-der'
  | 'extra-der'
  | 'not-der'
  | 'empty-block'
  | 'trailing-text';

/** One fault: its code, the sentence shown, and the remedy. */
export interface PemDefect {
  code: PemDefectCode;
  message: string;
  remedy: string;
}

const RECOPY = 'copy the field again from the API reply, whole and unchanged';

function defect(code: PemDefectCode, message: string, remedy: string): PemDefect {
  return { code, message, remedy };
}

/** The messages, by fault. */
export const PEM_DEFECTS = {
  empty: (field: string) =>
    defect('empty', `${field} is empty`, 'fetch the bundle again: SMS sends every field filled'),
  utf16: (field: string) =>
    defect(
      'utf16',
      `${field} is UTF-16 text; PEM must be ASCII (or UTF-8)`,
      'save the file as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`, and run again',
    ),
  escapedNewlines: (field: string) =>
    defect(
      'escaped-newlines',
      `${field} holds literal \\n escapes (a backslash and an n) where line breaks belong`,
      'the PEM was escaped twice: decode the JSON string once more, or replace each \\n ' +
        'with a line break',
    ),
  der: (field: string) =>
    defect(
      'der',
      `${field} holds binary DER bytes where PEM text belongs`,
      'convert it to PEM: `openssl x509 -inform der` for a certificate, ' +
        '`openssl pkey -inform der` for a key',
    ),
  notPem: (field: string) =>
    defect(
      'not-pem',
      `${field} is not PEM: it has no -----BEGIN line`,
      `put the PEM text in ${field}, from its -----BEGIN line to its -----END line`,
    ),
  bareBase64: (field: string) =>
    defect(
      'bare-base64',
      `${field} holds base64 without its -----BEGIN and -----END lines`,
      'keep the PEM whole, with its -----BEGIN and -----END lines',
    ),
  placeholder: (field: string) =>
    defect(
      'placeholder',
      `${field} holds a row of asterisks, a redacted placeholder, not PEM data`,
      'use the real reply of the API, not a documentation example or a redacted copy',
    ),
  headerWithoutFooter: (field: string, label: string) =>
    defect(
      'header-without-footer',
      `${field} has a -----BEGIN ${label}----- line without its -----END ${label}----- line`,
      `the PEM was cut short: ${RECOPY}`,
    ),
  footerWithoutHeader: (field: string, label: string) =>
    defect(
      'footer-without-header',
      `${field} has an -----END ${label}----- line without a -----BEGIN ${label}----- line`,
      `the start of the PEM is missing: ${RECOPY}`,
    ),
  mismatchedLabels: (field: string, begin: string, end: string) =>
    defect(
      'mismatched-labels',
      `${field} begins a block with -----BEGIN ${begin}----- but ends it with ` +
        `-----END ${end}-----`,
      `two PEM blocks were spliced together: ${RECOPY}`,
    ),
  badBase64: (field: string, label: string, line: number) =>
    defect(
      'bad-base64',
      `${field} has bad base64 on line ${line} of its ${label} block`,
      `the PEM was altered in transit: ${RECOPY}`,
    ),
  truncatedBase64: (field: string, label: string) =>
    defect(
      'truncated-base64',
      `${field} has truncated base64 in its ${label} block (not a whole number of ` +
        '4-character groups)',
      `the PEM was cut short: ${RECOPY}`,
    ),
  truncatedDer: (field: string, label: string, declared: number, actual: number) =>
    defect(
      'truncated-der',
      `${field} has a truncated ${label} block: its DER declares ${declared} bytes but ` +
        `holds ${actual}`,
      `the PEM was cut short: ${RECOPY}`,
    ),
  extraDer: (field: string, label: string, extra: number) =>
    defect(
      'extra-der',
      `${field} has ${extra} bytes of trailing garbage inside its ${label} block, after ` +
        'the end of its DER structure',
      `the PEM was altered: ${RECOPY}`,
    ),
  notDer: (field: string, label: string) =>
    defect(
      'not-der',
      `${field} has a ${label} block whose content is not a DER structure`,
      `the PEM was altered: ${RECOPY}`,
    ),
  emptyBlock: (field: string, label: string) =>
    defect('empty-block', `${field} has an empty ${label} block`, RECOPY),
  trailingText: (field: string, label: string) =>
    defect(
      'trailing-text',
      `${field} has trailing garbage after its -----END ${label}----- line`,
      `remove everything after the -----END ${label}----- line`,
    ),
} as const;
