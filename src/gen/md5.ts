/**
 * MD5-signed certificates, for the weak-signature defect. WebCrypto refuses MD5, so the
 * certificate is built as usual and then re-signed by node-forge, which still can.
 */
import forge from 'node-forge';
import type { KeyPair } from './keys.js';

/**
 * Re-signs a certificate with md5WithRSAEncryption using the issuer's RSA key.
 * Limitation: only plain RSA issuers; node-forge has no ECDSA, EdDSA or PSS.
 */
export function resignWithMd5(pem: string, signer: KeyPair): string {
  if (signer.spec.type !== 'rsa') throw new Error('MD5 signatures need a plain RSA issuer key');

  const cert = forge.pki.certificateFromPem(pem);
  const keyPem = signer.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.md5.create());
  return forge.pki.certificateToPem(cert);
}
