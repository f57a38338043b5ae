/**
 * The defect catalogue: every way `certkey gen` can spoil a bundle, and for each, exactly
 * which checks must fail. The end-to-end tests hold the suites to these expectations.
 *
 * What OpenSSL's handshake does with each (node:tls server with requestCert and
 * rejectUnauthorized, client verifying the server against the same CA field; Node 20 with
 * OpenSSL 3.0 and Node 24 with OpenSSL 3.5, TLS 1.3 and TLS 1.2 alike unless said):
 * - Refused on both: key/cert mismatch (at context creation), leaf from another CA, impostor
 *   CA (signature failure), AKI not matching the CA's SKI (issuer not found), CA field without
 *   the root, CA keyUsage without keyCertSign, pathLen exceeded, expired CA, expired or
 *   not-yet-valid leaf, wrong EKU for the role (unsuitable purpose), a leaf with cA=TRUE and no
 *   keyCertSign (unsuitable purpose), SHA-1 and MD5 leaf signatures (CA md too weak: Node 20
 *   refuses the server context, Node 24 the peer's certificate).
 * - Accepted on both: intermediates out of order and an unrelated extra CA (the CA field is a
 *   trust store, order-free), a CA without basicConstraints whose keyUsage has keyCertSign, a
 *   leaf named like its CA, an RSA server without digitalSignature.
 * - RSA-1024 client key: Node 20 (security level 1) accepts it; Node 24 (level 2) refuses it
 *   ("ee key too small"), so the handshakes are `mayFail`.
 * - EC server key with keyUsage keyAgreement only: TLS 1.3 accepts it (OpenSSL does not check
 *   keyUsage there); TLS 1.2 finds no shared cipher, as ECDHE-ECDSA needs digitalSignature. The
 *   mtls suite tries both protocol versions, so it fails on every Node version.
 */
import { CHAIN_DEFECTS } from './defects/chain.js';
import { DATE_DEFECTS } from './defects/dates.js';
import { PAIR_DEFECTS } from './defects/pair.js';
import { PARSE_DEFECTS, PARSE_HEALTHY } from './defects/parse.js';
import { STRENGTH_DEFECTS } from './defects/strength.js';
import type { Defect } from './defects/types.js';
import { USAGE_DEFECTS } from './defects/usage.js';

export type { BuildContext, Defect, Expect } from './defects/types.js';

/** Every defect and healthy variant by name. */
export const DEFECTS: Readonly<Record<string, Defect>> = {
  ...PARSE_DEFECTS,
  ...PARSE_HEALTHY,
  ...PAIR_DEFECTS,
  ...CHAIN_DEFECTS,
  ...DATE_DEFECTS,
  ...USAGE_DEFECTS,
  ...STRENGTH_DEFECTS,
};
