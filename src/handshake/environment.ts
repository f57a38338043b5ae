/**
 * The TLS environment a verdict was reached in: the OpenSSL version and the security level
 * node:tls really enforces by default, found by asking OpenSSL rather than by version.
 */
import 'reflect-metadata';
import { createPublicKey, webcrypto } from 'node:crypto';
import tls from 'node:tls';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;

/** The OpenSSL build and its effective default security level. */
export interface TlsEnvironment {
  /** `process.versions.openssl`, such as `3.0.15+quic`. */
  openssl: string;
  /** 0 to 5; null when OpenSSL refused even the largest probe. */
  securityLevel: number | null;
}

/**
 * The smallest RSA size each security level accepts for an end-entity key (OpenSSL's
 * SSL_CTX_set_security_level: 80, 112, 128, 192 and 256 bits of security for levels 1-5).
 */
const RSA_BITS_BY_LEVEL = [512, 1024, 2048, 3072, 7680, 15360] as const;

let probed: Promise<TlsEnvironment> | undefined;

/**
 * Finds the effective default security level without a handshake: a certificate whose RSA
 * key is just large enough for level N loads into a default secure context only when the
 * level is at most N; OpenSSL refuses the others with `ee key too small`. The default
 * context honours `--tls-cipher-list` `@SECLEVEL` and the OpenSSL configuration file.
 * Probed once per process.
 */
export function tlsEnvironment(): Promise<TlsEnvironment> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<TlsEnvironment> {
  const signer = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, false, [
    'sign',
    'verify',
  ]);

  let securityLevel: number | null = null;
  for (const [level, bits] of RSA_BITS_BY_LEVEL.entries()) {
    const verdict = await loads(bits, signer.privateKey);
    if (verdict === 'error') break;
    if (verdict === 'loads') {
      securityLevel = level;
      break;
    }
  }
  return { openssl: process.versions.openssl ?? 'unknown', securityLevel };
}

/** Whether a certificate for an RSA key of `bits` loads into a default secure context. */
async function loads(
  bits: number,
  signingKey: CryptoKey,
): Promise<'loads' | 'too-small' | 'error'> {
  // Only the key's size matters to the security check, so the modulus need not be a
  // product of primes and no key pair is generated: the probe never signs or encrypts.
  const modulus = Buffer.alloc(bits / 8, 0xff);
  const spki = createPublicKey({
    key: { kty: 'RSA', n: modulus.toString('base64url'), e: 'AQAB' },
    format: 'jwk',
  }).export({ type: 'spki', format: 'der' });

  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '01',
      subject: 'CN=certkey security level probe',
      issuer: 'CN=certkey probe signer',
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 3600_000),
      publicKey: Uint8Array.from(spki),
      signingKey,
      // P-521 with SHA-512 (256 bits) so that only the RSA key can fall short of a level.
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-512' },
    },
    crypto,
  );

  try {
    tls.createSecureContext({ cert: cert.toString('pem') });
    return 'loads';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ERR_SSL_EE_KEY_TOO_SMALL' ? 'too-small' : 'error';
  }
}
