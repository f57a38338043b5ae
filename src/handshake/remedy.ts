/**
 * What to do about a refused handshake, chosen by OpenSSL's code and the field it is about.
 */
import type { TlsEnvironment } from './environment.js';
import { blamedField, type Refusal, type Sides } from './explain.js';
import type { TlsFailure } from './failure.js';

const REFETCH = 'fetch the bundle again with enable_ca_cert=true so every part comes from one task';

/** A remedy for a refusal, naming the field to fix. */
export function remedyFor(refusal: Refusal, sides: Sides, env: TlsEnvironment): string {
  const field = blamedField(refusal, sides);
  const failure = pick(refusal);
  if (!failure) return `compare both sides' certificates with the chain and usage checks`;

  const code = failure.code;
  const byCode: Record<string, string> = {
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: `${field} was not issued by a certificate in ca: ${REFETCH}`,
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: `${field}'s issuer is not in ca: ${REFETCH}`,
    UNABLE_TO_GET_ISSUER_CERT:
      `the chain of ${field} stops at a certificate whose issuer is not in ca (a root or ` +
      `intermediate is missing): ${REFETCH}`,
    DEPTH_ZERO_SELF_SIGNED_CERT: `${field} is self-signed and not in ca: ${REFETCH}`,
    SELF_SIGNED_CERT_IN_CHAIN: `the chain of ${field} ends in a root that is not in ca: ${REFETCH}`,
    CERT_HAS_EXPIRED: `${field} (or its CA) has expired: request a new certkey bundle for the task`,
    CERT_NOT_YET_VALID:
      `${field} is not valid yet: check the clocks of both machines, ` +
      'or wait for its notBefore',
    INVALID_PURPOSE:
      `OpenSSL will not accept ${field} in its TLS role: check its extendedKeyUsage (clientAuth ` +
      'for cert, serverAuth for the targets) and basicConstraints (a leaf must not be a CA, ' +
      'its issuer must be); request a reissued bundle',
    INVALID_CA:
      'a certificate in ca is not a CA to OpenSSL (basicConstraints cA, keyUsage keyCertSign): ' +
      'request a reissued bundle',
    CERT_SIGNATURE_FAILURE:
      `${field}'s signature does not verify with its issuer's key: ` + REFETCH,
    PATH_LENGTH_EXCEEDED: `the chain of ${field} breaks a CA's pathLenConstraint: reissue the CA`,
    ETIMEDOUT:
      'nothing answered in time on loopback: on a busy machine raise --timeout and run again',
  };
  if (byCode[code]) return byCode[code];

  return (
    byFragment(code, field, env) ??
    byReason(failure.reason, field) ??
    `see OpenSSL's reason; the chain, usage and strength checks of ${field} usually say more`
  );
}

/** The failure of the side that decided, or whichever side said anything. */
function pick(refusal: Refusal): TlsFailure | undefined {
  if (refusal.side === 'client') return refusal.client;
  return refusal.listener ?? refusal.client;
}

/** Verify errors Node reports as UNSPECIFIED still carry OpenSSL's words on the client side. */
function byReason(reason: string, field: string): string | undefined {
  if (/certificate signing/.test(reason)) {
    return `a CA above ${field} lacks keyCertSign in its keyUsage: request a reissued CA`;
  }
  if (/digest algorithm too weak/.test(reason)) {
    const what = `${field} or a CA above it is signed with a hash below the security level`;
    return `${what}: reissue with SHA-256`;
  }
  if (/key too weak|too small/.test(reason)) {
    return `a key in the chain of ${field} is below the security level: request a reissued bundle`;
  }
  if (/not named by Node/.test(reason)) {
    return (
      `the listener's OpenSSL refused ${field} for a reason Node does not name: the chain, ` +
      `usage and strength checks of ${field} and ca say which rule it breaks`
    );
  }
  return undefined;
}

function byFragment(code: string, field: string, env: TlsEnvironment): string | undefined {
  const level = env.securityLevel === null ? '' : ` ${env.securityLevel}`;
  if (code.includes('EE_KEY_TOO_SMALL') || code.includes('CA_KEY_TOO_SMALL')) {
    return (
      `${field}'s key is below OpenSSL ${env.openssl}'s security level${level}: ` +
      'request a bundle with RSA 2048 bits or more, or EC P-256 or larger'
    );
  }
  if (code.includes('MD_TOO_WEAK')) {
    return `${field} is signed with a hash below the security level${level}: reissue with SHA-256`;
  }
  if (code.includes('KEY_VALUES_MISMATCH')) {
    return `the private key does not belong to ${field}: ${REFETCH}`;
  }
  if (code.includes('NO_SHARED_CIPHER') || code.includes('NOT_FOR_SIGNING')) {
    return (
      `${field} allows no TLS 1.2 key exchange: an EC certificate needs digitalSignature in ` +
      'keyUsage (ECDHE-ECDSA), an RSA one digitalSignature or keyEncipherment; request a ' +
      'reissued bundle'
    );
  }
  if (code.includes('PEER_DID_NOT_RETURN_A_CERTIFICATE')) {
    return `the client sent no certificate: check that ${field} and its key are in the bundle`;
  }
  return undefined;
}
