/**
 * Fingerprints stand in for key material in every message: the SHA-256 of a key's
 * SubjectPublicKeyInfo, which matches `openssl pkey -pubout -outform der | sha256sum`.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { ParsedCert } from '../model.js';

/** Hex digits of the SHA-256 shown in messages: 64 bits tell keys apart at a glance. */
const SHOWN_HEX = 16;

/** The fingerprint of a DER SubjectPublicKeyInfo, as `sha256:` and hex digits. */
export function fingerprintOfSpki(spki: Uint8Array, full = false): string {
  const hex = createHash('sha256').update(spki).digest('hex');
  return full ? `sha256:${hex}` : `sha256:${hex.slice(0, SHOWN_HEX)}…`;
}

/** The fingerprint of a key's public half; a private key is reduced to its public key first. */
export function keyFingerprint(key: KeyObject, full = false): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return fingerprintOfSpki(spkiOf(publicKey), full);
}

/** The fingerprint of the public key a certificate holds, from the bytes it was issued with. */
export function certFingerprint(cert: ParsedCert, full = false): string {
  return fingerprintOfSpki(new Uint8Array(cert.x509.publicKey.rawData), full);
}

/** The DER SubjectPublicKeyInfo of a public key. */
export function spkiOf(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}
