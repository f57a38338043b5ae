/** A private CA and a server certificate it issued, for TLS servers on loopback in tests. */
import { keyToPem, makeCert, makeKey } from '../../src/gen/pki.js';

/** The names a private PKI is made with. */
export interface PkiNames {
  /** The CA's subject, such as `CN=Corp Private CA`. */
  ca: string;
  /** The server certificate's subject. */
  leaf: string;
  /** The server certificate's subjectAltName entries (addresses or DNS names). */
  san: string[];
}

/** An EC CA and a serverAuth certificate it issued, as PEM: the CA, the leaf and its key. */
export async function privatePki(names: PkiNames) {
  const caKey = await makeKey({ type: 'ec' });
  const ca = await makeCert({ subject: names.ca, key: caKey, ca: true });
  const leafKey = await makeKey({ type: 'ec' });
  const leaf = await makeCert({
    subject: names.leaf,
    key: leafKey,
    issuer: ca,
    san: names.san,
    extKeyUsage: ['serverAuth'],
  });
  return { caPem: ca.pem, certPem: leaf.pem, keyPem: keyToPem(leafKey, 'pkcs8') };
}
