/** Defects of the PEM text itself, and the healthy variants a lenient reader must accept. */
import { makeParts, toFields } from '../parts.js';
import { on, type BuildContext, type Defect } from './types.js';

async function healthy(context: BuildContext) {
  return toFields(await makeParts({}, context.take));
}

/** Applies a change to every line of every field. */
function eachLine(fields: Record<string, string>, change: (line: string) => string) {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(fields))
    out[name] = text.split('\n').map(change).join('\n');
  return out;
}

/** PEM defects: each makes one field unreadable. */
export const PARSE_DEFECTS: Record<string, Defect> = {
  'missing-field': {
    description: 'target_data_private_key is absent from the reply',
    fails: on('parse', 'target_data_private_key'),
    async build(context) {
      const fields = await healthy(context);
      delete fields.target_data_private_key;
      return fields;
    },
  },
  'empty-field': {
    description: 'cert is an empty string',
    fails: on('parse', 'cert'),
    async build(context) {
      return { ...(await healthy(context)), cert: '' };
    },
  },
  'not-pem': {
    description: 'target_mgmt_cert is bare base64 DER without the BEGIN/END lines',
    fails: on('parse', 'target_mgmt_cert'),
    async build(context) {
      const fields = await healthy(context);
      const body = (fields.target_mgmt_cert ?? '').split('\n').slice(1, -1).join('');
      return { ...fields, target_mgmt_cert: body };
    },
  },
  'key-in-cert-field': {
    description: 'target_data_cert holds a private key instead of a certificate',
    fails: on('parse', 'target_data_cert'),
    async build(context) {
      const fields = await healthy(context);
      return { ...fields, target_data_cert: fields.target_data_private_key ?? '' };
    },
  },
  'cert-in-key-field': {
    description: 'private_key holds the source certificate instead of its key',
    fails: on('parse', 'private_key'),
    async build(context) {
      const fields = await healthy(context);
      return { ...fields, private_key: fields.cert ?? '' };
    },
  },
  'encrypted-key': {
    description: 'target_mgmt_private_key is encrypted (AES-256-CBC) and needs a passphrase',
    fails: on('parse', 'target_mgmt_private_key'),
    mentions: /passphrase/i,
    async build(context) {
      const parts = await makeParts({}, context.take);
      const key = parts.leaves.target_mgmt_cert.key.privateKey;
      const pem = key.export({
        type: 'pkcs1',
        format: 'pem',
        cipher: 'aes-256-cbc',
        passphrase: 'sms',
      });
      return { ...toFields(parts), target_mgmt_private_key: pem.toString().trim() };
    },
  },
  'utf16-text': {
    description: 'cert is UTF-16LE text (with its byte order mark) read as single bytes',
    fails: on('parse', 'cert'),
    async build(context) {
      const fields = await healthy(context);
      const bytes = Buffer.from(`\ufeff${fields.cert ?? ''}`, 'utf16le');
      return { ...fields, cert: bytes.toString('latin1') };
    },
  },
  'escaped-newlines': {
    description: 'target_mgmt_cert has literal backslash-n pairs where its line breaks belong',
    fails: on('parse', 'target_mgmt_cert'),
    async build(context) {
      const fields = await healthy(context);
      return { ...fields, target_mgmt_cert: (fields.target_mgmt_cert ?? '').replace(/\n/g, '\\n') };
    },
  },
  'two-certs-in-field': {
    description: 'target_data_cert holds the leaf followed by the CA certificate',
    fails: on('parse', 'target_data_cert'),
    async build(context) {
      const fields = await healthy(context);
      const joined = `${fields.target_data_cert ?? ''}\n${fields.ca_cert ?? ''}`;
      return { ...fields, target_data_cert: joined };
    },
  },
};

/** Healthy variants of the text and encoding that a reader must accept. */
export const PARSE_HEALTHY: Record<string, Defect> = {
  'crlf-line-ends': {
    description: 'every field uses CRLF line ends',
    healthy: true,
    fails: [],
    async build(context) {
      return eachLine(await healthy(context), (line) => `${line}\r`);
    },
  },
  'utf8-bom': {
    description: 'every field starts with a UTF-8 byte order mark',
    healthy: true,
    fails: [],
    async build(context) {
      const fields = await healthy(context);
      return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, `\ufeff${v}`]));
    },
  },
  'trailing-spaces': {
    description: 'every PEM line ends in spaces',
    healthy: true,
    fails: [],
    async build(context) {
      return eachLine(await healthy(context), (line) => `${line}  `);
    },
  },
  'ca-field-named-ca': {
    description: "the CA arrives under `ca`, the API table's name, instead of `ca_cert`",
    healthy: true,
    fails: [],
    async build(context) {
      return toFields(await makeParts({}, context.take), { caName: 'ca' });
    },
  },
  'pkcs8-keys': {
    description: 'RSA keys in PKCS#8 form (BEGIN PRIVATE KEY)',
    healthy: true,
    fails: [],
    async build(context) {
      return toFields(await makeParts({}, context.take), { keyForm: 'pkcs8' });
    },
  },
  'ec-sec1-keys': {
    description: 'EC P-256 keys and ECDSA signatures, keys in SEC1 form (BEGIN EC PRIVATE KEY)',
    healthy: true,
    fails: [],
    async build(context) {
      const parts = await makeParts({ keySpec: { type: 'ec', curve: 'P-256' } }, context.take);
      return toFields(parts, { keyForm: 'sec1' });
    },
  },
  'ec-pkcs8-keys': {
    description: 'EC P-256 keys in PKCS#8 form',
    healthy: true,
    fails: [],
    async build(context) {
      const parts = await makeParts({ keySpec: { type: 'ec', curve: 'P-256' } }, context.take);
      return toFields(parts, { keyForm: 'pkcs8' });
    },
  },
  'ed25519-keys': {
    description: 'Ed25519 keys and signatures (RFC 8410), keys in PKCS#8 form',
    healthy: true,
    fails: [],
    async build(context) {
      const parts = await makeParts({ keySpec: { type: 'ed25519' } }, context.take);
      return toFields(parts, { keyForm: 'pkcs8' });
    },
  },
  'rsa-pss-signatures': {
    description: 'every certificate signed with RSASSA-PSS (SHA-256, salt 32) by RSA keys',
    healthy: true,
    fails: [],
    async build(context) {
      return toFields(await makeParts({ keySpec: { type: 'rsa-pss' } }, context.take));
    },
  },
  'root-and-intermediate': {
    description:
      'the CA field holds an intermediate then its root; the intermediate signs the leaves',
    healthy: true,
    fails: [],
    async build(context) {
      return toFields(await makeParts({ intermediates: [{}] }, context.take));
    },
  },
};
