/**
 * Reads a private key field's PEM blocks into a node:crypto KeyObject: PKCS#8
 * (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), for RSA,
 * RSA-PSS, EC and Ed25519 keys. Messages name the field and the form, never the key.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { KeyField, LeafField } from '../model.js';
import { childrenOf, oidOf, readTlv } from './der.js';
import { article, describeKey } from './describe.js';
import type { PemBlock } from './pem.js';

/** A key read, a public key standing in for it (a redacted bundle), or why not. */
export type KeyRead =
  | { ok: true; key: KeyObject; form: string }
  | { ok: true; publicKey: KeyObject; form: string }
  | { ok: false; status: 'fail' | 'skip'; message: string; remedy: string };

const FORMS: Readonly<Record<string, { type: 'pkcs8' | 'pkcs1' | 'sec1'; form: string }>> = {
  'PRIVATE KEY': { type: 'pkcs8', form: 'PKCS#8' },
  'RSA PRIVATE KEY': { type: 'pkcs1', form: 'PKCS#1' },
  'EC PRIVATE KEY': { type: 'sec1', form: 'SEC1' },
};

/** Algorithms OpenSSL loads from PKCS#8 (RFC 8017, 4055, 5480, 8410, 3279). */
const LOADABLE = new Set([
  '1.2.840.113549.1.1.1',
  '1.2.840.113549.1.1.10',
  '1.2.840.10045.2.1',
  '1.3.101.110',
  '1.3.101.111',
  '1.3.101.112',
  '1.3.101.113',
  '1.2.840.10040.4.1',
]);

/** Reads the one private key of a key field. */
export function readPrivateKey(field: KeyField, leaf: LeafField, blocks: PemBlock[]): KeyRead {
  const keys = blocks.filter((block) => block.label !== 'EC PARAMETERS');
  const certs = keys.filter((block) => /CERTIFICATE$/.test(block.label));
  const mislabelled = certs.find((block) => block.defect || !isCertificate(block.der));
  if (mislabelled) {
    const form = privateKeyForm(mislabelled.der)?.form;
    const block = `${field} has a ${mislabelled.label} block whose content`;
    if (!form) {
      return fail(
        `${block} decodes neither as a certificate nor as a private key`,
        `put the private key of ${leaf} in ${field}, and the certificate in ${leaf}`,
      );
    }
    return fail(
      `${block} is not a certificate (it looks like a ${form} private key): fix the label`,
      `label the key of ${leaf} -----BEGIN ${labelOf(form)}-----, with the END line to match`,
    );
  }
  if (certs.length > 0) {
    return fail(
      `${field} holds a certificate where a private key belongs`,
      `put the private key of ${leaf} in ${field}, and the certificate in ${leaf}`,
    );
  }
  if (keys.length !== 1) {
    return fail(
      `${field} holds ${keys.length} PEM blocks; a key field holds exactly one private key`,
      `keep only the private key of ${leaf} in ${field}`,
    );
  }

  const block = keys[0] as PemBlock;
  const encrypted = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
  if (block.label === 'ENCRYPTED PRIVATE KEY' || encrypted) {
    return fail(
      `${field} is an encrypted private key: a passphrase is needed to read it`,
      `decrypt it with its passphrase (openssl pkey -in ${field}.pem -out plain.pem) and put ` +
        'the unencrypted PEM in the bundle',
    );
  }
  if (block.defect) return fail(block.defect.message, block.defect.remedy);
  if (block.label === 'PUBLIC KEY') return readPublicKey(field, block);
  if (block.label === 'OPENSSH PRIVATE KEY') {
    return fail(
      `${field} is an OpenSSH private key; TLS needs PEM (PKCS#8, PKCS#1 or SEC1)`,
      `convert a copy: ssh-keygen -p -m PKCS8 -f ${field}.key`,
    );
  }

  const form = FORMS[block.label];
  if (!form) {
    return fail(
      `${field} holds a -----BEGIN ${block.label}----- block, not a private key`,
      `put the private key of ${leaf} in ${field}`,
    );
  }
  return loadKey(field, block, form);
}

/**
 * Loads a key whose label names a key form. The form is read from the DER, not taken from the
 * label: asked for one form, OpenSSL 3 decodes some others (3.5 any), while its PEM reader,
 * and so TLS, refuses a block whose label does not name its form.
 */
function loadKey(
  field: KeyField,
  block: PemBlock,
  form: { type: 'pkcs8' | 'pkcs1' | 'sec1'; form: string },
): KeyRead {
  const held = privateKeyForm(block.der);
  if (held?.form === form.form) return { ok: true, key: held.key, form: form.form };
  if (held) {
    const label = labelOf(held.form);
    return fail(
      `${field} has ${article(block.label)} label on a ${held.form} ` +
        `${describeKey(held.key)} private key: the PEM label does not match what the block ` +
        `holds, so OpenSSL and TLS refuse it`,
      `fix the label to -----BEGIN ${label}-----, with the END line to match, or fetch the ` +
        'bundle again',
    );
  }

  const algorithm = form.type === 'pkcs8' ? pkcs8Algorithm(block.der) : null;
  if (algorithm && !LOADABLE.has(algorithm)) {
    return {
      ok: false,
      status: 'skip',
      message:
        `${field} uses key algorithm ${algorithm}, which node:crypto cannot load here; ` +
        'this is a limit of certkey, not necessarily a defect of the bundle',
      remedy: `check the key by hand: openssl pkey -in ${field}.pem -noout -text`,
    };
  }
  return fail(
    `${field} is corrupt: its ${form.form} private key does not decode`,
    'fetch the bundle again; if it persists, ask for the task certificates to be reissued',
  );
}

/** A redacted bundle keeps the public key in place of the private one. */
function readPublicKey(field: KeyField, block: PemBlock): KeyRead {
  try {
    return {
      ok: true,
      publicKey: createPublicKey({ key: block.der, format: 'der', type: 'spki' }),
      form: 'SPKI',
    };
  } catch {
    return fail(
      `${field} holds a PUBLIC KEY block that does not decode`,
      'use the unredacted reply',
    );
  }
}

/** The algorithm OID of a PKCS#8 PrivateKeyInfo (RFC 5208 section 5). */
function pkcs8Algorithm(der: Uint8Array): string | null {
  const outer = readTlv(der, 0);
  const [, algorithm] = (outer && childrenOf(der, outer)) ?? [];
  const oid = algorithm ? childrenOf(der, algorithm)?.[0] : undefined;
  return oid ? oidOf(der, oid) : null;
}

function fail(message: string, remedy: string): KeyRead {
  return { ok: false, status: 'fail', message, remedy };
}

/** True when `der` decodes as an X.509 certificate. */
function isCertificate(der: Buffer): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

/**
 * The form (`PKCS#8`, `PKCS#1`, `SEC1`) of a DER private key and the key loaded as that form,
 * or undefined. The form is read from the second element of the outer SEQUENCE (an
 * AlgorithmIdentifier SEQUENCE in PKCS#8, RFC 5208; the modulus INTEGER in PKCS#1, RFC 8017
 * A.1.2; the key OCTET STRING in SEC1, RFC 5915), since OpenSSL 3 loads some forms when asked
 * for another; then the key must load.
 */
export function privateKeyForm(der: Buffer): { form: string; key: KeyObject } | undefined {
  const outer = readTlv(der, 0);
  const second = (outer && childrenOf(der, outer))?.[1];
  const label = { 0x30: 'PRIVATE KEY', 0x02: 'RSA PRIVATE KEY', 0x04: 'EC PRIVATE KEY' }[
    second?.tag ?? 0
  ];
  const form = label ? FORMS[label] : undefined;
  if (!form) return undefined;

  try {
    return { form: form.form, key: createPrivateKey({ key: der, format: 'der', type: form.type }) };
  } catch {
    return undefined;
  }
}

/** The PEM label of a private key form. */
function labelOf(form: string): string {
  return Object.entries(FORMS).find(([, each]) => each.form === form)?.[0] ?? 'PRIVATE KEY';
}
