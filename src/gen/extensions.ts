/**
 * The X.509 v3 extensions of a generated certificate (RFC 5280 section 4.2), built from a
 * CertSpec: present, absent or deliberately wrong as the spec says.
 */
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { keyIdOf } from './keys.js';
import type { CertSpec } from './pki.js';

const KEY_USAGE_BITS: Record<string, x509.KeyUsageFlags> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};

const EKU_OIDS: Record<string, string> = {
  serverAuth: x509.ExtendedKeyUsage.serverAuth,
  clientAuth: x509.ExtendedKeyUsage.clientAuth,
  codeSigning: x509.ExtendedKeyUsage.codeSigning,
  emailProtection: x509.ExtendedKeyUsage.emailProtection,
  timeStamping: x509.ExtendedKeyUsage.timeStamping,
  ocspSigning: x509.ExtendedKeyUsage.ocspSigning,
};

/** The keyUsage a healthy certificate of this role and key type carries. */
export function defaultKeyUsage(spec: CertSpec): string[] {
  if (spec.ca) return ['keyCertSign', 'cRLSign'];
  // keyEncipherment only means something for RSA key transport (RFC 5280 4.2.1.3).
  const rsa = spec.key.spec.type === 'rsa' || spec.key.spec.type === 'rsa-pss';
  return rsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}

/** Builds the extensions in the order OpenSSL writes them. */
export async function buildExtensions(spec: CertSpec): Promise<x509.Extension[]> {
  const extensions: x509.Extension[] = [];

  if (spec.basicConstraints !== false) {
    const ca = spec.ca ?? false;
    extensions.push(new x509.BasicConstraintsExtension(ca, spec.pathLength, true));
  }

  const keyUsage = spec.keyUsage === undefined ? defaultKeyUsage(spec) : spec.keyUsage;
  if (keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(usageFlags(keyUsage), true));

  if (spec.extKeyUsage) {
    const oids = spec.extKeyUsage.map((name) => EKU_OIDS[name] ?? name);
    extensions.push(new x509.ExtendedKeyUsageExtension(oids, false));
  }

  if (spec.san && spec.san.length > 0) {
    const names = spec.san.map((value) => ({ type: isIP(value) ? 'ip' : 'dns', value }) as const);
    extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }

  const ski = await subjectKeyId(spec);
  if (ski) extensions.push(new x509.SubjectKeyIdentifierExtension(hex(ski), false));

  const aki = await authorityKeyId(spec, ski);
  if (aki) extensions.push(new x509.AuthorityKeyIdentifierExtension(hex(aki), false));
  return extensions;
}

function usageFlags(names: string[]): x509.KeyUsageFlags {
  let flags = 0;
  for (const name of names) {
    const bit = KEY_USAGE_BITS[name];
    if (bit === undefined) throw new Error(`unknown keyUsage name ${name}`);
    flags |= bit;
  }
  return flags;
}

async function subjectKeyId(spec: CertSpec): Promise<Uint8Array | null> {
  if (spec.subjectKeyId === false) return null;
  if (spec.subjectKeyId instanceof Uint8Array) return spec.subjectKeyId;
  return keyIdOf(spec.key.publicKey);
}

async function authorityKeyId(spec: CertSpec, ownSki: Uint8Array | null) {
  if (spec.authorityKeyId === 'omit') return null;
  if (spec.authorityKeyId instanceof Uint8Array) return spec.authorityKeyId;
  if (!spec.issuer) return ownSki ?? keyIdOf(spec.key.publicKey);

  const issuer = new x509.X509Certificate(spec.issuer.pem);
  const issuerSki = issuer.getExtension(x509.SubjectKeyIdentifierExtension);
  if (issuerSki) return Buffer.from(issuerSki.keyId, 'hex');
  return keyIdOf(spec.issuer.key.publicKey);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
