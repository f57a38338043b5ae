/**
 * Whether two public keys are the same key, by node:crypto's encodings: the SPKI DER first,
 * then the key itself when only the wrapping differs (an RSA key labelled RSASSA-PSS in one
 * place and rsaEncryption in the other, an EC point compressed in one and not the other).
 */
import type { KeyObject } from 'node:crypto';
import { childrenOf, readTlv } from '../parse/der.js';
import { spkiOf } from '../parse/fingerprint.js';

/** True when both keys hold the same public key. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  const left = spkiOf(a);
  const right = spkiOf(b);
  if (left.equals(right)) return true;

  const types = new Set([a.asymmetricKeyType, b.asymmetricKeyType]);
  if ([...types].every((type) => type === 'rsa' || type === 'rsa-pss')) {
    const bitsA = subjectPublicKey(left);
    const bitsB = subjectPublicKey(right);
    return bitsA !== null && bitsB !== null && bitsA.equals(bitsB);
  }
  if (types.size === 1 && types.has('ec')) {
    const jwkA = a.export({ format: 'jwk' });
    const jwkB = b.export({ format: 'jwk' });
    return jwkA.crv === jwkB.crv && jwkA.x === jwkB.x && jwkA.y === jwkB.y;
  }
  return false;
}

/** The subjectPublicKey BIT STRING of an SPKI (RFC 5280 4.1), without the algorithm. */
function subjectPublicKey(spki: Buffer): Buffer | null {
  const outer = readTlv(spki, 0);
  const bits = outer ? childrenOf(spki, outer)?.[1] : undefined;
  return bits && bits.tag === 0x03 ? spki.subarray(bits.start, bits.end) : null;
}
