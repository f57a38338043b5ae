/**
 * Turns one CERTIFICATE block into a ParsedCert with both views: node:crypto's (OpenSSL,
 * what TLS will use) and @peculiar/x509's (extensions and names). When only one library
 * can read a certificate the fault is attributed with care: OpenSSL refusing it is a defect
 * (TLS peers will refuse it too); only @peculiar/x509 refusing it is a limit of certkey.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { scrubSecrets } from '../errors.js';
import type { CertField, ParsedCert } from '../model.js';
import { x509 } from './x509.js';

/** A certificate read, or why not: `fail` for a defect, `skip` for a limit of certkey. */
export type CertRead =
  | { ok: true; cert: ParsedCert }
  | { ok: false; status: 'fail' | 'skip'; message: string; remedy: string };

/** Reads a certificate; `which` names it in messages, such as `ca` or `ca certificate 2`. */
export function readCertificate(field: CertField, der: Buffer, which: string): CertRead {
  let node: NodeCertificate | null = null;
  let nodeError = '';
  try {
    node = new NodeCertificate(der);
  } catch (error) {
    nodeError = reason(error);
  }

  // One copy of the bytes, held by the parsed certificate and read by the decoder.
  const bytes = new Uint8Array(der);
  let view: x509.X509Certificate | null = null;
  let viewError = '';
  try {
    view = new x509.X509Certificate(bytes);
    // Some fields decode lazily: read the ones every check uses, so they cannot throw later.
    void [view.subject, view.issuer, view.notBefore, view.notAfter, view.publicKey.rawData];
  } catch (error) {
    viewError = reason(error);
  }

  const keyProblem = node && view ? publicKeyProblem(node, view) : null;
  if (keyProblem) {
    return {
      ok: false,
      status: 'fail',
      message: `${which} holds a public key that does not decode: ${keyProblem}`,
      remedy:
        'fetch the bundle again; if it persists, ask for the task certificates to be reissued',
    };
  }
  if (node && view) {
    return { ok: true, cert: { field, der: bytes, pem: pemOf(der), x509: view, node } };
  }
  if (!node) {
    return {
      ok: false,
      status: 'fail',
      message: `${which} is not a certificate OpenSSL can read: ${nodeError}`,
      remedy:
        'fetch the bundle again; if it persists, ask for the task certificates to be reissued',
    };
  }
  return {
    ok: false,
    status: 'skip',
    message:
      `${which} is read by OpenSSL but not by certkey's X.509 decoder (${viewError}); ` +
      'this is a limit of certkey, not a defect of the bundle, and the checks skip it',
    remedy: 'check this certificate by hand: openssl x509 -noout -text',
  };
}

/**
 * Why a certificate's public key cannot be read, or null when it can. OpenSSL may not know
 * a key type @peculiar/x509 reads (a limit the key checks skip); when neither reads it, the
 * subjectPublicKey itself is corrupt, a defect of the bundle.
 */
function publicKeyProblem(node: NodeCertificate, view: x509.X509Certificate): string | null {
  let nodeError: string;
  try {
    void node.publicKey;
    return null;
  } catch (error) {
    nodeError = reason(error);
  }

  try {
    void view.publicKey.algorithm;
    return null;
  } catch {
    return nodeError;
  }
}

/** A certificate's PEM text (RFC 7468 section 5), as @peculiar/x509 writes it. */
function pemOf(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----'].join('\n');
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // node:crypto tries PEM before DER and reports the PEM attempt, which says nothing here.
  if (/no start line|asn1|wrong tag|header too long|nested asn1/i.test(text)) {
    return 'its DER does not decode as an X.509 certificate';
  }
  return scrubSecrets(text).replace(/^error:[0-9A-F]+:/, '');
}
