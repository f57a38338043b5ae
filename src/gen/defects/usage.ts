/** Defects of what a certificate may be used for: extendedKeyUsage, keyUsage, cA. */
import { makeParts, toFields } from '../parts.js';
import { BOTH_HANDSHAKES, mtls, on, type Defect } from './types.js';

/** Usage defects. */
export const USAGE_DEFECTS: Record<string, Defect> = {
  'source-server-auth-only': {
    description: 'cert, the TLS client, has extendedKeyUsage serverAuth only',
    fails: [...on('usage', 'cert'), ...BOTH_HANDSHAKES],
    async build({ take }) {
      return toFields(await makeParts({ leaf: { cert: { extKeyUsage: ['serverAuth'] } } }, take));
    },
  },
  'target-client-auth-only': {
    description: 'target_data_cert, a TLS server, has extendedKeyUsage clientAuth only',
    fails: [...on('usage', 'target_data_cert'), ...mtls('target_data_cert')],
    async build({ take }) {
      const leaf = { target_data_cert: { extKeyUsage: ['clientAuth'] } };
      return toFields(await makeParts({ leaf }, take));
    },
  },
  'target-code-signing': {
    description: 'target_mgmt_cert has extendedKeyUsage codeSigning only',
    fails: [...on('usage', 'target_mgmt_cert'), ...mtls('target_mgmt_cert')],
    async build({ take }) {
      const leaf = { target_mgmt_cert: { extKeyUsage: ['codeSigning'] } };
      return toFields(await makeParts({ leaf }, take));
    },
  },
  'leaf-is-ca': {
    description: 'target_data_cert says basicConstraints cA=TRUE',
    fails: [...on('usage', 'target_data_cert'), ...mtls('target_data_cert')],
    async build({ take }) {
      return toFields(await makeParts({ leaf: { target_data_cert: { ca: true } } }, take));
    },
  },
  'rsa-target-without-digital-signature': {
    description: 'target_mgmt_cert (RSA) has keyUsage keyEncipherment only',
    fails: on('usage', 'target_mgmt_cert'),
    async build({ take }) {
      const leaf = { target_mgmt_cert: { keyUsage: ['keyEncipherment'] } };
      return toFields(await makeParts({ leaf }, take));
    },
  },
  'ec-target-key-agreement-only': {
    description: 'target_data_cert (EC P-256) has keyUsage keyAgreement only',
    // The mtls suite tries TLS 1.2 as well as 1.3, and 1.2 refuses it (see defects.ts).
    fails: [...on('usage', 'target_data_cert'), ...mtls('target_data_cert')],
    async build({ take }) {
      const key = await take({ type: 'ec', curve: 'P-256' });
      const leaf = { target_data_cert: { key, keyUsage: ['keyAgreement'] } };
      return toFields(await makeParts({ leaf }, take));
    },
  },
};
