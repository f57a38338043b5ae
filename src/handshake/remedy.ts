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
    UNABLE_TO_GET_ISSUER_CERT: `${field}'s issuer is not in ca: ${REFETCH}`,
    DEPTH_ZERO_SELF_SIGNED_CERT: `${field} is self-signed and not in ca: ${REFETCH}`,
    SELF_SIGNED_CERT_IN_CHAIN: `the chain of ${field} ends in a root that is not in ca: ${REFETCH}`,
    CERT_HAS_EXPIRED: `${field} (or its CA) has expired: request a new certkey bundle for the task`,
    CERT_NOT_YET_VALID:
      `${field} is not valid yet: check the clocks of both machines, ` +
      'or wait for its notBefore',
    INVALID_PURPOSE:
      `${field}'s extendedKeyUsage does not allow its role (clientAuth for cert, serverAuth ` +
      'for the targets), or a CA above it is not marked cA=TRUE: request a reissued bundle',
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
    `see OpenSSL's reason; the chain, usage and strength checks of ${field} usually say more`
  );
}

/** The failure of the side that decided, or whichever side said anything. */
function pick(refusal: Refusal): TlsFailure | undefined {
  if (refusal.side === 'client') return refusal.client;
  return refusal.listener ?? refusal.client;
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
