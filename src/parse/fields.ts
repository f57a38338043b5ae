/**
 * One parse check per bundle field: is it there, is it PEM, is it the right kind of PEM,
 * and does each block decode. The results feed every later suite.
 */
import type { KeyObject } from 'node:crypto';
import {
  KEY_OF,
  type CertField,
  type Check,
  type Field,
  type KeyField,
  type LeafField,
  type ParsedCert,
  type RawBundle,
  type Status,
} from '../model.js';
import { readCertificate } from './cert.js';
import { article, describeKey, nameOf, publicKeyOf } from './describe.js';
import { certFingerprint, keyFingerprint } from './fingerprint.js';
import { readPrivateKey } from './key.js';
import { readPem, type PemBlock } from './pem.js';

/** The parse check's name within its subject. */
export const PARSE_CHECK = 'pem';

/** A certificate field's check and the certificates that parsed (all or none). */
export interface CertFieldResult {
  check: Check;
  certs: ParsedCert[];
}

/** A key field's check and its key, or the public key a redacted bundle left in its place. */
export interface KeyFieldResult {
  check: Check;
  key?: KeyObject;
  publicKey?: KeyObject;
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

function check(subject: Field, status: Status, message: string, remedy?: string): Check {
  const base = { suite: 'parse' as const, subject, status, message, name: PARSE_CHECK };
  return remedy === undefined ? base : { ...base, remedy };
}

/** A JSON type name with its article: `an object`, `a number`. */
function withArticle(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** The text of a field, or the failing check that says why there is none. */
function textOf(raw: RawBundle, field: Field): string | Check {
  const type = raw.wrongType[field];
  if (type !== undefined) {
    return check(
      field,
      'fail',
      `${field} is ${type === 'null' ? 'null' : withArticle(type)}, ` + 'not a PEM string',
      'pass the reply exactly as SMS sent it: every field is a string',
    );
  }

  const text = raw.fields[field];
  if (text !== undefined) return text;
  if (field === 'ca') {
    return check(
      'ca',
      'fail',
      'ca is missing: the reply has neither ca nor ca_cert',
      'fetch the bundle with enable_ca_cert=true: without it SMS leaves the CA out',
    );
  }
  return check(
    field,
    'fail',
    `${field} is missing from the bundle`,
    `fetch the bundle again: SMS sends ${field} in every certkey reply`,
  );
}

/** Reads the PEM blocks of a field, or the failing check that says why not. */
function blocksOf(raw: RawBundle, field: Field): { blocks: PemBlock[]; note?: string } | Check {
  const text = textOf(raw, field);
  if (typeof text !== 'string') return text;

  const pem = readPem(field, text);
  if (!pem.ok) return check(field, 'fail', pem.defect.message, pem.defect.remedy);
  if (pem.forgiven.length === 0) return { blocks: pem.blocks };
  return { blocks: pem.blocks, note: `read despite ${pem.forgiven.join(', ')}` };
}

/** Parses a certificate field: a leaf holds exactly one certificate, the CA one or more. */
export function parseCertField(raw: RawBundle, field: CertField): CertFieldResult {
  const read = blocksOf(raw, field);
  if ('suite' in read) return { check: read, certs: [] };

  const wrong = wrongKind(field, read.blocks);
  if (wrong) return { check: wrong, certs: [] };
  const broken = read.blocks.find((block) => block.defect)?.defect;
  if (broken) return { check: check(field, 'fail', broken.message, broken.remedy), certs: [] };

  const count = read.blocks.length;
  if (field !== 'ca' && count !== 1) {
    const message = `${field} holds ${count} certificates; a leaf field holds exactly one`;
    return {
      check: check(
        field,
        'fail',
        message,
        `keep only the leaf certificate in ${field}; CA certificates belong in ca`,
      ),
      certs: [],
    };
  }

  const certs: ParsedCert[] = [];
  for (const [index, block] of read.blocks.entries()) {
    const which = count === 1 ? field : `${field} certificate ${index + 1} of ${count}`;
    const result = readCertificate(field, block.der, which);
    if (!result.ok)
      return { check: check(field, result.status, result.message, result.remedy), certs: [] };
    certs.push(result.cert);
  }

  const sentAs = field === 'ca' && raw.caFieldName === 'ca_cert' ? ' (sent as ca_cert)' : '';
  const listed = certs.map((cert) => `${nameOf(cert)} (${keyWords(cert)})`).join(', ');
  const what = count === 1 ? 'one certificate' : `${count} certificates`;
  const passed = check(field, 'pass', `${field}${sentAs} holds ${what}: ${listed}`);
  return { check: read.note ? { ...passed, note: read.note } : passed, certs };
}

/** A private key or anything else that is not a certificate in a certificate field. */
function wrongKind(field: CertField, blocks: PemBlock[]): Check | null {
  const other = blocks.find((block) => !CERT_LABELS.has(block.label));
  if (!other) return null;

  const remedy =
    field === 'ca'
      ? 'put the CA certificates (root and intermediates) in ca, and nothing else'
      : `put the certificate in ${field} and its private key in ${KEY_OF[field]}`;
  if (/PRIVATE KEY$/.test(other.label)) {
    const beside = blocks.length > 1 ? ' beside its certificate' : ' where a certificate belongs';
    return check(field, 'fail', `${field} holds a private key${beside}`, remedy);
  }
  return check(
    field,
    'fail',
    `${field} holds a -----BEGIN ${other.label}----- block, not a certificate`,
    remedy,
  );
}

/** Parses a private key field. */
export function parseKeyField(raw: RawBundle, field: KeyField, leaf: LeafField): KeyFieldResult {
  const read = blocksOf(raw, field);
  if ('suite' in read) return { check: read };

  const result = readPrivateKey(field, leaf, read.blocks);
  if (!result.ok) return { check: check(field, result.status, result.message, result.remedy) };

  const note = read.note === undefined ? {} : { note: read.note };
  if ('publicKey' in result) {
    const message =
      `${field} holds a public key (${describeKey(result.publicKey)}, ` +
      `${keyFingerprint(result.publicKey)}), as a redacted bundle does: the pair check uses ` +
      'it, the handshake cannot';
    const remedy = 'run against the unredacted reply to prove mutual TLS';
    return {
      check: { ...check(field, 'warn', message, remedy), ...note },
      publicKey: result.publicKey,
    };
  }

  const message =
    `${field} holds ${article(describeKey(result.key))} private key (${result.form}), public key ` +
    keyFingerprint(result.key);
  return { check: { ...check(field, 'pass', message), ...note }, key: result.key };
}

/** A certificate's key type and fingerprint, for messages. */
export function keyWords(cert: ParsedCert): string {
  const key = publicKeyOf(cert);
  const type = key ? describeKey(key) : cert.x509.publicKey.algorithm.name;
  return `${type}, ${certFingerprint(cert)}`;
}
