/**
 * Key pairs for generated bundles, their PEM forms and their key identifiers.
 */
import 'reflect-metadata';
import { generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';

// Every certificate and key identifier here is computed by node:crypto's WebCrypto.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const generate = promisify(generateKeyPair);

/** What kind of key to make. `rsa-pss` is an ordinary RSA key whose signatures use RSASSA-PSS. */
export type KeySpec =
  | { type: 'rsa'; bits?: number }
  | { type: 'rsa-pss'; bits?: number }
  | { type: 'ec'; curve?: 'P-256' | 'P-384' | 'P-521' }
  | { type: 'ed25519' };

/** A private key, its public half and the spec it was made from. */
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  spec: KeySpec;
}

/** Makes a key pair; RSA-2048 unless told otherwise. */
export async function makeKey(spec: KeySpec = { type: 'rsa' }): Promise<KeyPair> {
  const pair = await generateFor(spec);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, spec };
}

function generateFor(spec: KeySpec): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (spec.type) {
    case 'rsa':
    case 'rsa-pss':
      return generate('rsa', { modulusLength: spec.bits ?? 2048 });
    case 'ec':
      return generate('ec', { namedCurve: spec.curve ?? 'P-256' });
    case 'ed25519':
      return generate('ed25519');
  }
}

/** Writes a private key as PEM; encrypted with AES-256-CBC when a passphrase is given. */
export function keyToPem(key: KeyPair, form: 'pkcs1' | 'pkcs8' | 'sec1', passphrase?: string) {
  const cipher = passphrase === undefined ? {} : { cipher: 'aes-256-cbc', passphrase };
  return key.privateKey.export({ type: form, format: 'pem', ...cipher }).toString();
}

/** The key identifier of RFC 5280 4.2.1.2 method 1: SHA-1 over the subjectPublicKey bits. */
export async function keyIdOf(publicKey: KeyObject): Promise<Uint8Array> {
  return new Uint8Array(await new x509.PublicKey(spkiOf(publicKey)).getKeyIdentifier('SHA-1'));
}

/** The DER SubjectPublicKeyInfo of a public key. */
export function spkiOf(publicKey: KeyObject): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(publicKey.export({ type: 'spki', format: 'der' }));
}
