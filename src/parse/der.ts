/**
 * The outer frame of a DER value (X.690 section 8.1): enough to tell a whole structure from
 * a cut or padded one before any parser sees it. Nothing inside the frame is read here.
 */

/** How a decoded PEM body compares with the length its outer DER header declares. */
export type DerFrame =
  | { kind: 'ok' }
  | { kind: 'short'; declared: number }
  | { kind: 'long'; declared: number }
  | { kind: 'bad' };

/** Checks that the bytes are one SEQUENCE whose declared length is exactly what is there. */
export function checkDer(der: Uint8Array): DerFrame {
  if (der.length < 2 || der[0] !== 0x30) return { kind: 'bad' };

  const first = der[1] ?? 0;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    // Indefinite lengths (0x80) are BER, not DER; more than four octets is no certificate.
    if (octets === 0 || octets > 4) return { kind: 'bad' };
    if (der.length < 2 + octets) return { kind: 'short', declared: 2 + octets };
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[2 + i] ?? 0);
    header = 2 + octets;
  }

  const declared = header + length;
  if (declared > der.length) return { kind: 'short', declared };
  if (declared < der.length) return { kind: 'long', declared };
  return { kind: 'ok' };
}

/** One DER element: its tag and where its content lies. */
export interface Tlv {
  tag: number;
  /** Where the element begins: its tag byte. */
  offset: number;
  /** First content byte. */
  start: number;
  /** One past the last content byte. */
  end: number;
}

/** Reads the element at `offset`, or null when it runs past `limit` or uses BER forms. */
export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv | null {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return null;

  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) return null;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] ?? 0);
    start += octets;
  }

  const end = start + length;
  return end > limit ? null : { tag, offset, start, end };
}

/** The elements inside a constructed element, or null when they do not fit exactly. */
export function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] | null {
  const children: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const child = readTlv(der, offset, parent.end);
    if (!child) return null;
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** The dotted text of an OBJECT IDENTIFIER element (X.690 section 8.19). */
export function oidOf(der: Uint8Array, tlv: Tlv): string | null {
  if (tlv.tag !== 0x06 || tlv.end <= tlv.start) return null;

  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    const byte = der[i] ?? 0;
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0)
      arcs.push(
        Math.min(2, Math.floor(value / 40)),
        value - 40 * Math.min(2, Math.floor(value / 40)),
      );
    else arcs.push(value);
    value = 0;
  }
  return arcs.join('.');
}
