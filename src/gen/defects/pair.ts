/** Defects where a certificate and the key beside it do not belong together. */
import { makeParts, toFields } from '../parts.js';
import { BOTH_HANDSHAKES, on, type Defect } from './types.js';

/** Key-pair defects. */
export const PAIR_DEFECTS: Record<string, Defect> = {
  'source-key-mismatch': {
    description: 'private_key belongs to another key pair than cert',
    fails: [...on('pair', 'cert'), ...BOTH_HANDSHAKES],
    async build(context) {
      const [parts, stranger] = await Promise.all([makeParts({}, context.take), context.take()]);
      parts.leaves.cert = { ...parts.leaves.cert, key: stranger };
      return toFields(parts);
    },
  },
  'crossed-target-keys': {
    description: "the two target keys are swapped: each target cert has the other one's key",
    fails: [...on('pair', 'target_mgmt_cert', 'target_data_cert'), ...BOTH_HANDSHAKES],
    async build(context) {
      const parts = await makeParts({}, context.take);
      const { target_mgmt_cert: mgmt, target_data_cert: data } = parts.leaves;
      parts.leaves.target_mgmt_cert = { ...mgmt, key: data.key };
      parts.leaves.target_data_cert = { ...data, key: mgmt.key };
      return toFields(parts);
    },
  },
};
