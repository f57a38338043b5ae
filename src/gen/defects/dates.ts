/** Defects of validity dates, and the two encodings of a far notAfter (RFC 5280 4.1.2.5). */
import { makeParts, toFields } from '../parts.js';
import { BOTH_HANDSHAKES, mtls, on, type Defect } from './types.js';

const DAY = 86400_000;

/** Date defects and date edge cases. */
export const DATE_DEFECTS: Record<string, Defect> = {
  'expired-leaf': {
    description: 'target_data_cert expired yesterday',
    fails: [...on('expiry', 'target_data_cert'), ...mtls('target_data_cert')],
    async build({ take }) {
      const now = Date.now();
      const dates = { notBefore: new Date(now - 365 * DAY), notAfter: new Date(now - DAY) };
      return toFields(await makeParts({ leaf: { target_data_cert: dates } }, take));
    },
  },
  'not-yet-valid': {
    description: 'cert becomes valid only in two days',
    fails: [...on('expiry', 'cert'), ...BOTH_HANDSHAKES],
    async build({ take }) {
      const now = Date.now();
      const dates = { notBefore: new Date(now + 2 * DAY), notAfter: new Date(now + 365 * DAY) };
      return toFields(await makeParts({ leaf: { cert: dates } }, take));
    },
  },
  'expires-soon': {
    description: 'target_mgmt_cert ends in 10 days, inside the 30-day warning window',
    fails: [],
    warns: on('expiry', 'target_mgmt_cert'),
    async build({ take }) {
      const notAfter = new Date(Date.now() + 10 * DAY);
      return toFields(await makeParts({ leaf: { target_mgmt_cert: { notAfter } } }, take));
    },
  },
  'not-after-2050': {
    description: 'every certificate ends in 2050 or later, so notAfter is a GeneralizedTime',
    healthy: true,
    fails: [],
    async build({ take }) {
      return toFields(
        await makeParts(allEnding('2050-06-30T12:00:00Z', '2060-01-01T00:00:00Z'), take),
      );
    },
  },
  'not-after-2049': {
    description: 'every certificate ends on the last second of 2049, the last UTCTime date',
    healthy: true,
    fails: [],
    async build({ take }) {
      const last = '2049-12-31T23:59:59Z';
      return toFields(await makeParts(allEnding(last, last), take));
    },
  },
};

function allEnding(leafEnd: string, caEnd: string) {
  const notAfter = new Date(leafEnd);
  return {
    root: { notAfter: new Date(caEnd) },
    leaf: { cert: { notAfter }, target_mgmt_cert: { notAfter }, target_data_cert: { notAfter } },
  };
}
