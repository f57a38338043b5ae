/**
 * The PEM files of `certkey verify`: the trust anchors (`--ca`), the untrusted
 * intermediates (`--untrusted`) and the leaf (`--cert`), each read and parsed on its own so
 * that a bad file is named in the error. Only certificates are read: a private key in any
 * of these files is refused without its content being shown.
 */
import { readFile } from 'node:fs/promises';
import { CertkeyError } from '../errors.js';
import type { ParsedCert, RawBundle } from '../model.js';
import { parseCertField } from '../parse/fields.js';

/** The files given on the command line. */
export interface VerifyFiles {
  ca: string;
  untrusted?: string;
  cert: string;
}

/** The certificates read from the files. */
export interface VerifyInputs {
  /** The trust anchors of `--ca`, in file order. */
  trusted: ParsedCert[];
  /**
   * The intermediates that are not trusted on their own: `--untrusted`, then any
   * certificates after the first in the `--cert` file (a server's chain file).
   */
  untrusted: ParsedCert[];
  /** The first certificate of the `--cert` file. */
  leaf: ParsedCert;
  /** The files, for messages and the report's origin. */
  files: VerifyFiles;
}

/** Reads every file; a file that is missing or holds no readable certificate throws. */
export async function readVerifyInputs(files: VerifyFiles): Promise<VerifyInputs> {
  const trusted = await readCerts('--ca', files.ca);
  const untrusted =
    files.untrusted === undefined ? [] : await readCerts('--untrusted', files.untrusted);
  const [leaf, ...chain] = await readCerts('--cert', files.cert);
  if (!leaf) throw unreadable('--cert', files.cert, 'it holds no certificate');
  return { trusted, untrusted: [...untrusted, ...chain], leaf, files };
}

/** The certificates of one PEM file, parsed as the CA field of a bundle would be. */
async function readCerts(option: string, file: string): Promise<ParsedCert[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw unreadable(option, file, `cannot be read (${code})`);
  }

  const raw: RawBundle = { fields: { ca: text }, wrongType: {}, origin: file };
  const { check, certs } = parseCertField(raw, 'ca');
  if (check.status !== 'pass' || certs.length === 0) {
    // The parse message names the field `ca`; here the file is what the user knows.
    throw unreadable(option, file, check.message.replace(/^ca\b/, 'it'));
  }
  return certs;
}

function unreadable(option: string, file: string, why: string): CertkeyError {
  return new CertkeyError(
    'E_INPUT_READ',
    `${option} ${file}: ${why}`,
    `give ${option} a readable PEM file of certificates (-----BEGIN CERTIFICATE-----)`,
  );
}
