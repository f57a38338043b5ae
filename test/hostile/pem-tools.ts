/** PEM surgery for hostile-input tests: take a block apart, spoil its DER, put it back. */

/** The base64 body of a PEM text (all blocks), joined. */
export function bodyOf(pem: string): string {
  return pem
    .split(/\r?\n/)
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .join('');
}

/** The DER bytes of a one-block PEM text. */
export function derOf(pem: string): Buffer {
  return Buffer.from(bodyOf(pem), 'base64');
}

/** PEM text for DER bytes under a label, 64 characters a line. */
export function toPem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER with its outer SEQUENCE length replaced by a four-octet length of `length`. */
export function withOuterLength(der: Buffer, length: number): Buffer {
  const first = der[1] ?? 0;
  const header = first & 0x80 ? 2 + (first & 0x7f) : 2;
  const octets = Buffer.alloc(4);
  octets.writeUInt32BE(length);
  return Buffer.concat([Buffer.from([0x30, 0x84]), octets, der.subarray(header)]);
}

/** The DER with the length of the element at `offset` (a two-octet long form) set to 0xffff. */
export function withInnerLength(der: Buffer, offset: number): Buffer {
  const copy = Buffer.from(der);
  copy[offset + 1] = 0x82;
  copy[offset + 2] = 0xff;
  copy[offset + 3] = 0xff;
  return copy;
}
