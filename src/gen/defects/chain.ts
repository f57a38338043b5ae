/** Defects of the path from each leaf to the CA, and of the CA field itself. */
import { keyIdOf, makeCert } from '../pki.js';
import { NAMES, makeParts, toFields } from '../parts.js';
import { BOTH_HANDSHAKES, mtls, on, type Defect } from './types.js';

const DAY = 86400_000;

/** Chain defects. */
export const CHAIN_DEFECTS: Record<string, Defect> = {
  'leaf-signed-by-other-ca': {
    description: 'target_data_cert is signed by another CA than the one in the CA field',
    fails: [...on('chain', 'target_data_cert'), ...mtls('target_data_cert')],
    async build({ take }) {
      const other = await makeCert({ subject: 'CN=Other CA', key: await take(), ca: true });
      return toFields(await makeParts({ leaf: { target_data_cert: { issuer: other } } }, take));
    },
  },
  'impostor-ca': {
    description:
      'target_mgmt_cert is signed by a CA with the same name and key identifier but another key',
    fails: [...on('chain', 'target_mgmt_cert'), ...mtls('target_mgmt_cert')],
    async build({ take }) {
      const [realKey, impostorKey] = await Promise.all([take(), take()]);
      const root = await makeCert({ subject: NAMES.ca, key: realKey, ca: true });
      const subjectKeyId = await keyIdOf(realKey.publicKey);
      const impostor = await makeCert({
        subject: NAMES.ca,
        key: impostorKey,
        ca: true,
        subjectKeyId,
      });
      const leaf = { target_mgmt_cert: { issuer: impostor } };
      return toFields(await makeParts({ rootCert: root, leaf }, take));
    },
  },
  'aki-mismatch': {
    description: "cert's authority key identifier does not match the CA's subject key identifier",
    fails: [...on('chain', 'cert'), ...BOTH_HANDSHAKES],
    async build({ take }) {
      const authorityKeyId = new Uint8Array(20).fill(0x5a);
      return toFields(await makeParts({ leaf: { cert: { authorityKeyId } } }, take));
    },
  },
  'ca-field-intermediate-only': {
    description: 'the CA field holds the intermediate that signed the leaves but not its root',
    // Every leaf's path stops at the intermediate, short of a root.
    fails: [
      ...on('chain', 'ca', 'cert', 'target_mgmt_cert', 'target_data_cert'),
      ...BOTH_HANDSHAKES,
    ],
    async build({ take }) {
      const parts = await makeParts({ intermediates: [{}] }, take);
      return toFields({ ...parts, caField: [parts.signer] });
    },
  },
  'intermediates-out-of-order': {
    description: 'the CA field lists its two intermediates top first instead of issuer order',
    fails: on('chain', 'ca'),
    async build({ take }) {
      const parts = await makeParts({ intermediates: [{}, {}] }, take);
      const [lower, upper, root] = parts.caField;
      if (!lower || !upper || !root) throw new Error('intermediates missing');
      return toFields({ ...parts, caField: [upper, lower, root] });
    },
  },
  'unrelated-cert-in-ca-field': {
    description: 'the CA field holds an unrelated self-signed CA after the real one',
    fails: on('chain', 'ca'),
    async build({ take }) {
      const parts = await makeParts({}, take);
      const stranger = await makeCert({ subject: 'CN=Unrelated CA', key: await take(), ca: true });
      return toFields({ ...parts, caField: [...parts.caField, stranger] });
    },
  },
  'ca-without-basic-constraints': {
    description: 'the CA certificate has no basicConstraints extension',
    fails: on('chain', 'ca'),
    async build({ take }) {
      return toFields(await makeParts({ root: { basicConstraints: false } }, take));
    },
  },
  'ca-without-key-cert-sign': {
    description: "the CA certificate's keyUsage lacks keyCertSign",
    // No leaf can chain to a CA that may not sign certificates.
    fails: [
      ...on('chain', 'ca', 'cert', 'target_mgmt_cert', 'target_data_cert'),
      ...BOTH_HANDSHAKES,
    ],
    async build({ take }) {
      const root = { keyUsage: ['digitalSignature', 'cRLSign'] };
      return toFields(await makeParts({ root }, take));
    },
  },
  'path-length-exceeded': {
    description: 'the root has pathLenConstraint 0 yet an intermediate below it signs the leaves',
    fails: [...on('chain', 'ca'), ...BOTH_HANDSHAKES],
    async build({ take }) {
      return toFields(await makeParts({ root: { pathLength: 0 }, intermediates: [{}] }, take));
    },
  },
  'expired-ca': {
    description: 'the CA certificate expired yesterday; the leaves are still within their dates',
    fails: [...on('chain', 'ca'), ...on('expiry', 'ca'), ...BOTH_HANDSHAKES],
    async build({ take }) {
      const now = Date.now();
      const root = { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - DAY) };
      return toFields(await makeParts({ root }, take));
    },
  },
  'leaf-named-like-ca': {
    description: "target_mgmt_cert's subject is the CA's own name",
    fails: on('chain', 'target_mgmt_cert'),
    async build({ take }) {
      return toFields(await makeParts({ leaf: { target_mgmt_cert: { subject: NAMES.ca } } }, take));
    },
  },
};
