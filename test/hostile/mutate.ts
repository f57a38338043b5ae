/**
 * fast-check arbitraries that spoil a healthy bundle the ways transport, editors and
 * people spoil them: byte flips, truncations, inserted junk, swapped or dropped fields,
 * and fields replaced by random JSON values.
 */
import fc from 'fast-check';

/** The field names a reply may carry, the CA under both of its names. */
export const REPLY_FIELDS = [
  'ca_cert',
  'ca',
  'cert',
  'private_key',
  'target_mgmt_cert',
  'target_mgmt_private_key',
  'target_data_cert',
  'target_data_private_key',
] as const;

/** One change to one string. */
const textMutation = (text: string): fc.Arbitrary<string> => {
  const at = fc.nat({ max: Math.max(0, text.length - 1) });
  return fc.oneof(
    at.map((i) => text.slice(0, i)),
    fc
      .tuple(at, fc.integer({ min: 1, max: 127 }))
      .map(
        ([i, bit]) =>
          text.slice(0, i) +
          String.fromCharCode((text.charCodeAt(i) ^ bit) & 0xffff) +
          text.slice(i + 1),
      ),
    fc
      .tuple(at, fc.string({ unit: 'binary', maxLength: 40 }))
      .map(([i, junk]) => text.slice(0, i) + junk + text.slice(i)),
    fc
      .tuple(
        at,
        fc.constantFrom(
          '-----BEGIN CERTIFICATE-----\n',
          '-----END PRIVATE KEY-----\n',
          '\n',
          '=',
          '\\n',
          '\u0000',
          '\r\n',
        ),
      )
      .map(([i, junk]) => text.slice(0, i) + junk + text.slice(i)),
    fc.tuple(at, at).map(([a, b]) => text.slice(0, Math.min(a, b)) + text.slice(Math.max(a, b))),
  );
};

/** A bundle with one to three fields spoiled. */
export function mutatedBundle(
  healthy: Record<string, string>,
): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(healthy);
  const one = fc.constantFrom(...names).chain((name) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: textMutation(healthy[name] ?? '').map((value) => ({
          name,
          value: value as unknown,
        })),
      },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ name, value })) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...names)
          .map((other) => ({ name, value: healthy[other] as unknown })),
      },
      { weight: 1, arbitrary: fc.constant({ name, value: undefined as unknown }) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...REPLY_FIELDS)
          .map((other) => ({ name: other, value: healthy[name] as unknown })),
      },
    ),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((changes) => {
    const bundle: Record<string, unknown> = { ...healthy };
    for (const { name, value } of changes) {
      if (value === undefined) delete bundle[name];
      else bundle[name] = value;
    }
    return bundle;
  });
}

/** The JSON text of a healthy bundle with one change to its bytes. */
export function mutatedText(healthy: Record<string, string>): fc.Arbitrary<string> {
  return textMutation(JSON.stringify(healthy, null, 2));
}
