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

// Each derived once per key or certificate object, which lives as long as its bundle.
const publicHalves = new WeakMap<KeyObject, KeyObject>();
const spkis = new WeakMap<KeyObject, Buffer>();
const certSpkis = new WeakMap<ParsedCert, Uint8Array>();

/** The fingerprint of a key's public half; a private key is reduced to its public key first. */
export function keyFingerprint(key: KeyObject, full = false): string {
  return fingerprintOfSpki(spkiOf(publicHalf(key)), full);
}

/** The fingerprint of the public key a certificate holds, from the bytes it was issued with. */
export function certFingerprint(cert: ParsedCert, full = false): string {
  let spki = certSpkis.get(cert);
  if (!spki) certSpkis.set(cert, (spki = new Uint8Array(cert.x509.publicKey.rawData)));
  return fingerprintOfSpki(spki, full);
}

/** The public half of a key: the key itself when public, else derived once per key object. */
export function publicHalf(key: KeyObject): KeyObject {
  if (key.type !== 'private') return key;
  let half = publicHalves.get(key);
  if (!half) publicHalves.set(key, (half = createPublicKey(key)));
  return half;
}

/** The DER SubjectPublicKeyInfo of a public key, exported once per key object: do not alter it. */
export function spkiOf(publicKey: KeyObject): Buffer {
  let spki = spkis.get(publicKey);
  if (!spki) spkis.set(publicKey, (spki = publicKey.export({ type: 'spki', format: 'der' })));
  return spki;
}
