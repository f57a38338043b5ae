/**
 * The final scan of a redacted copy: it looks for the private half of each key (the private
 * scalar of EC and EdDSA keys, the private exponent, primes and CRT values of RSA keys), not
 * for lines of the key's PEM: a SEC1 or PKCS#1 key encodes its public half too, so some of its
 * lines may also be lines of the public key or of a certificate.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';

/** Base64 runs this long are key material, not words; shorter ones could occur by chance. */
const SECRET_RUN = 16;

/** Any 16 bytes of a private value found in the copy count as a leak (2^-128 by chance). */
const WINDOW = 16;

/** The JWK members that hold private values (RFC 7518 sections 6.2.2 and 6.3.2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

const PEM_BLOCK = /-----BEGIN ([^-]+)-----([\s\S]*?)-----END \1-----/g;

/** What the scan looks for: private values it decoded, and base64 lines of texts it could not. */
export interface ScanTargets {
  values: Buffer[];
  lines: string[];
}

/**
 * Turns the texts that held private keys into scan targets: the private values of every key
 * that decodes; the base64 lines (less the `allowedLines`) of every text or block that does not.
 */
export function scanTargets(
  secrets: readonly string[],
  allowedLines: ReadonlySet<string>,
): ScanTargets {
  const values: Buffer[] = [];
  const undecoded: string[] = [];
  for (const secret of secrets) {
    const blocks = [...secret.replace(/\\n/g, '\n').matchAll(PEM_BLOCK)].map((m) => m[0]);
    const pieces = blocks.length > 0 ? blocks : [secret];
    for (const piece of pieces) {
      const found = privateValues(decodePrivateKey(piece));
      if (found) values.push(...found);
      else undecoded.push(piece);
    }
  }

  const lines = undecoded.flatMap(secretLines).filter((line) => !allowedLines.has(line));
  return { values, lines };
}

/** True when `text` holds a PRIVATE KEY label, any window of a private value, or a line. */
export function holdsSecret(text: string, targets: ScanTargets): boolean {
  if (/PRIVATE KEY/.test(text)) return true;
  if (targets.lines.some((line) => text.includes(line))) return true;

  const base64 = text.replace(/\\n/g, '').replace(/[^A-Za-z0-9+/]/g, '');
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, '');
  const ders = [...text.replace(/\\n/g, '\n').matchAll(PEM_BLOCK)].map((m) =>
    Buffer.from(m[2] ?? '', 'base64'),
  );
  for (const value of targets.values) {
    for (let start = 0; start + WINDOW <= value.length; start += 1) {
      const window = value.subarray(start, start + WINDOW);
      if (hex.includes(window.toString('hex'))) return true;
      if (ders.some((der) => der.includes(window))) return true;
      if (base64Forms(window).some((form) => base64.includes(form))) return true;
    }
  }
  return false;
}

/** The base64 lines of a text long enough to be key material, without PEM armour. */
export function secretLines(text: string): string[] {
  return text
    .split(/\\n|\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= SECRET_RUN && /^[A-Za-z0-9+/=]+$/.test(line));
}

/** The characters that `bytes` alone determine in base64, at each of the three alignments. */
function base64Forms(bytes: Buffer): string[] {
  return [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const first = Math.ceil((shift * 8) / 6);
    const last = Math.floor(((shift + bytes.length) * 8) / 6);
    return encoded.slice(first, last);
  });
}

/** A private key from a PEM block or bare base64 DER (PKCS#8, SEC1, PKCS#1), or undefined. */
function decodePrivateKey(text: string): KeyObject | undefined {
  if (text.includes('-----BEGIN')) {
    try {
      return createPrivateKey(text);
    } catch {
      return undefined;
    }
  }

  const der = Buffer.from(text.replace(/\\n/g, '').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  for (const type of ['pkcs8', 'sec1', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      // Not this encoding: try the next one.
    }
  }
  return undefined;
}

/** The private values of a key; undefined when JWK cannot express it (DSA, DH). */
function privateValues(key: KeyObject | undefined): Buffer[] | undefined {
  if (!key) return undefined;

  let jwk: Record<string, unknown>;
  try {
    jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return PRIVATE_MEMBERS.flatMap((member) => {
    const value = jwk[member];
    return typeof value === 'string' ? [Buffer.from(value, 'base64url')] : [];
  });
}
