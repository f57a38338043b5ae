/** Defects of key size and signature hash. */
import { makeParts, toFields } from '../parts.js';
import { BOTH_HANDSHAKES, mtls, on, type Defect } from './types.js';

/** Strength defects. */
export const STRENGTH_DEFECTS: Record<string, Defect> = {
  'rsa-1024-leaf': {
    description: 'cert has a 1024-bit RSA key',
    fails: on('strength', 'cert'),
    mayFail: BOTH_HANDSHAKES,
    async build({ take }) {
      const key = await take({ type: 'rsa', bits: 1024 });
      return toFields(await makeParts({ leaf: { cert: { key } } }, take));
    },
  },
  'sha1-signature': {
    description: 'target_mgmt_cert is signed with SHA-1',
    fails: [...on('strength', 'target_mgmt_cert'), ...mtls('target_mgmt_cert')],
    async build({ take }) {
      return toFields(await makeParts({ leaf: { target_mgmt_cert: { hash: 'SHA-1' } } }, take));
    },
  },
  'md5-signature': {
    description: 'target_data_cert is signed with MD5',
    fails: [...on('strength', 'target_data_cert'), ...mtls('target_data_cert')],
    async build({ take }) {
      return toFields(await makeParts({ leaf: { target_data_cert: { hash: 'MD5' } } }, take));
    },
  },
};
