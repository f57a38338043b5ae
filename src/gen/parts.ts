/**
 * The pieces of a generated bundle before they become JSON: the CA field's certificates, the
 * certificate that signs the leaves, and the three leaves with their keys. Defects build on
 * the healthy pieces, changing only what they are about.
 */
import type { LeafField } from '../model.js';
import { keyToPem, makeCert, makeKey } from './pki.js';
import type { CertSpec, Issued, KeyPair, KeySpec } from './pki.js';

/** Subject names of a healthy bundle. */
export const NAMES = {
  ca: 'CN=SMS CA',
  intermediate: 'CN=SMS Intermediate CA',
  cert: 'CN=sms-source',
  target_mgmt_cert: 'CN=sms-target-mgmt',
  target_data_cert: 'CN=sms-target-data',
} as const;

/** What a healthy leaf of each field carries besides its name and key. */
export const LEAF_DEFAULTS: Readonly<Record<LeafField, Partial<CertSpec>>> = {
  cert: { extKeyUsage: ['clientAuth'], san: ['sms-source'] },
  target_mgmt_cert: { extKeyUsage: ['serverAuth'], san: ['localhost', '127.0.0.1'] },
  target_data_cert: { extKeyUsage: ['serverAuth'], san: ['localhost', '127.0.0.1'] },
};

/** A bundle's pieces. */
export interface Parts {
  /** The CA field's certificates, in the order they are written. */
  caField: Issued[];
  /** The certificate the leaves were signed by (the root, or an intermediate). */
  signer: Issued;
  leaves: Record<LeafField, Issued>;
}

/** Changes to a healthy bundle, each applied while it is built. */
export interface Tweaks {
  /** The key type of every key; default RSA-2048. */
  keySpec?: KeySpec;
  /** Use this root instead of making one. */
  rootCert?: Issued;
  /** Changes to the root CA certificate. */
  root?: Partial<CertSpec>;
  /** Intermediates below the root, top first; the last signs the leaves. */
  intermediates?: Array<Partial<CertSpec>>;
  /** Changes to each leaf, on top of LEAF_DEFAULTS. */
  leaf?: Partial<Record<LeafField, Partial<CertSpec>>>;
}

/**
 * Keys made once per process and handed out again to later bundles: generating RSA keys is
 * the slow part of building a bundle. Within one bundle every key is distinct.
 */
class KeyPool {
  private readonly made = new Map<string, Promise<KeyPair>[]>();

  /** A view of the pool that never hands out the same key twice. */
  lease(): (spec?: KeySpec) => Promise<KeyPair> {
    const taken = new Map<string, number>();
    return (spec = { type: 'rsa' }) => {
      const id = JSON.stringify(spec);
      const index = taken.get(id) ?? 0;
      taken.set(id, index + 1);

      const list = this.made.get(id) ?? [];
      this.made.set(id, list);
      list[index] ??= makeKey(spec);
      return list[index];
    };
  }
}

const pool = new KeyPool();

/** Hands out distinct keys for one bundle, reusing keys made for earlier bundles. */
export function keyLease(): (spec?: KeySpec) => Promise<KeyPair> {
  return pool.lease();
}

/** Builds a healthy bundle's pieces, with the tweaks applied. */
export async function makeParts(tweaks: Tweaks = {}, take = keyLease()): Promise<Parts> {
  const spec = tweaks.keySpec;
  const middle = tweaks.intermediates ?? [];
  const [rootKey, certKey, mgmtKey, dataKey, ...middleKeys] = await Promise.all(
    [0, 0, 0, 0, ...middle].map(() => take(spec)),
  );
  if (!rootKey || !certKey || !mgmtKey || !dataKey) throw new Error('key pool came up short');

  const root =
    tweaks.rootCert ??
    (await makeCert({ subject: NAMES.ca, key: rootKey, ca: true, ...tweaks.root }));
  let signer = root;
  const caField = [root];
  for (const [index, change] of middle.entries()) {
    const key = middleKeys[index] ?? (await take(spec));
    const subject = middle.length === 1 ? NAMES.intermediate : `${NAMES.intermediate} ${index + 1}`;
    signer = await makeCert({ subject, key, ca: true, issuer: signer, ...change });
    caField.unshift(signer);
  }

  const leaf = (field: LeafField, key: KeyPair) => {
    const change = tweaks.leaf?.[field];
    return makeCert({
      subject: NAMES[field],
      key,
      issuer: signer,
      ...LEAF_DEFAULTS[field],
      ...change,
    });
  };
  const leaves = {
    cert: await leaf('cert', certKey),
    target_mgmt_cert: await leaf('target_mgmt_cert', mgmtKey),
    target_data_cert: await leaf('target_data_cert', dataKey),
  };
  return { caField, signer, leaves };
}

/** How the pieces are written out. */
export interface WriteOptions {
  /** The private key form; default PKCS#1, as SMS writes its RSA keys. */
  keyForm?: 'pkcs1' | 'pkcs8' | 'sec1';
  /** The CA field's name; default `ca_cert`, as in the API's example. */
  caName?: 'ca' | 'ca_cert';
}

/** Writes the pieces as the SMS reply's fields, in the order of the API's example. */
export function toFields(parts: Parts, options: WriteOptions = {}): Record<string, string> {
  const form = options.keyForm ?? 'pkcs1';
  const key = (field: LeafField) => {
    const pair = parts.leaves[field].key;
    return pemText(keyToPem(pair, formFor(pair, form)));
  };
  return {
    [options.caName ?? 'ca_cert']: parts.caField.map((c) => pemText(c.pem)).join('\n'),
    cert: pemText(parts.leaves.cert.pem),
    private_key: key('cert'),
    target_mgmt_cert: pemText(parts.leaves.target_mgmt_cert.pem),
    target_mgmt_private_key: key('target_mgmt_cert'),
    target_data_cert: pemText(parts.leaves.target_data_cert.pem),
    target_data_private_key: key('target_data_cert'),
  };
}

/** The form asked for, or the nearest one the key type has: PKCS#1 exists for RSA only. */
function formFor(key: KeyPair, form: 'pkcs1' | 'pkcs8' | 'sec1'): 'pkcs1' | 'pkcs8' | 'sec1' {
  const rsa = key.spec.type === 'rsa' || key.spec.type === 'rsa-pss';
  if (rsa) return form === 'sec1' ? 'pkcs1' : form;
  if (form === 'pkcs8') return form;
  return key.spec.type === 'ec' ? 'sec1' : 'pkcs8';
}

/** PEM text as SMS sends it: `\n` line ends and no newline after the END line. */
export function pemText(pem: string): string {
  return pem.replace(/\r\n/g, '\n').trim();
}
