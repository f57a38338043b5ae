/**
 * Signing parameters for @peculiar/x509: the WebCrypto key and algorithm that make a
 * certificate's signature with a given key type and hash.
 */
import { webcrypto } from 'node:crypto';
import type { KeyPair, KeySpec } from './keys.js';

/** A hash WebCrypto can sign with. */
export type WebHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The hash a healthy signer uses: SHA-256, or the curve's own size for ECDSA. */
export function defaultHash(spec: KeySpec): WebHash {
  if (spec.type !== 'ec') return 'SHA-256';
  if (spec.curve === 'P-384') return 'SHA-384';
  return spec.curve === 'P-521' ? 'SHA-512' : 'SHA-256';
}

/** The WebCrypto algorithm a key of this spec signs with. */
export function signingAlgorithmOf(spec: KeySpec, hash: WebHash) {
  switch (spec.type) {
    case 'rsa':
      return { name: 'RSASSA-PKCS1-v1_5', hash };
    case 'rsa-pss':
      // RFC 4055 section 3.1: a salt as long as the hash output is the usual choice.
      return { name: 'RSA-PSS', hash, saltLength: SALT_LENGTH[hash] };
    case 'ec':
      return { name: 'ECDSA', hash, namedCurve: spec.curve ?? 'P-256' };
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

const SALT_LENGTH: Record<WebHash, number> = {
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};

/** Imports the private half of a pair as a WebCrypto signing key. */
export async function signingKeyOf(pair: KeyPair, hash: WebHash): Promise<CryptoKey> {
  const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
  const algorithm = signingAlgorithmOf(pair.spec, hash);
  const key = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
  return key as CryptoKey;
}
