/**
 * A throwaway client identity no bundle's CA issued: a self-signed EC P-256 certificate made
 * in memory at run time, for the negative control that a listener refuses strangers.
 */
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Identity } from './mutual.js';

const crypto = webcrypto as unknown as Crypto;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

let made: Promise<Identity> | undefined;

/** The foreign identity, made once per process and kept in memory only. */
export function foreignIdentity(): Promise<Identity> {
  made ??= makeForeignIdentity();
  return made;
}

/** Makes a fresh self-signed P-256 client certificate and its key. */
export async function makeForeignIdentity(): Promise<Identity> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();

  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomBytes(8)
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      name: 'CN=certkey foreign client',
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 86400_000),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ],
    },
    crypto,
  );

  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return {
    cert: cert.toString('pem'),
    key: key.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
