/**
 * The chain suite: each leaf chains to the CA field (issuer name, key identifiers, and the
 * signature verified with the issuer's key), and the CA field is a sound chain on its own:
 * a self-signed root at the top, each certificate issued by the one above, CAs only,
 * allowed to sign, in date, extensions OpenSSL accepts, path lengths held, in order,
 * nothing extra. Chains are judged as OpenSSL builds them.
 */
import { checkAnchor, checkCaIssuers, checkPathLength } from '../src/checks/ca-chain.js';
import { checkNoExtra, checkOrder } from '../src/checks/ca-order.js';
import {
  checkCaExtensions,
  checkCaInDate,
  checkIsCa,
  checkKeyCertSign,
} from '../src/checks/ca-profile.js';
import { checker, leafFields, notParsed } from '../src/checks/common.js';
import { checkLeafChain } from '../src/checks/leaf-chain.js';
import type { Check, ParsedBundle, Suite } from '../src/model.js';

const check = checker('chain');

/** The names of the CA field's chain checks, in report order. */
export const CA_CHECKS = [
  'anchor',
  'issuers',
  'is-ca',
  'key-cert-sign',
  'in-date',
  'extensions',
  'path-length',
  'order',
  'extra',
] as const;

/** All checks of the CA field as a chain. */
export function checkCaChain(bundle: ParsedBundle, at: Date): Check[] {
  if (bundle.ca.length === 0) {
    return CA_CHECKS.map((name) => check.skip('ca', name, notParsed('ca')));
  }
  return [
    checkAnchor(bundle),
    checkCaIssuers(bundle),
    checkIsCa(bundle),
    checkKeyCertSign(bundle),
    checkCaInDate(bundle, at),
    checkCaExtensions(bundle),
    checkPathLength(bundle),
    checkOrder(bundle),
    checkNoExtra(bundle),
  ];
}

export { checkLeafChain };

/** The chain suite. */
export const chainSuite: Suite = {
  name: 'chain',
  async run({ bundle, options }) {
    const leaves = leafFields(bundle).flatMap((field) => checkLeafChain(bundle, field));
    return [...checkCaChain(bundle, options.at), ...leaves];
  },
};
