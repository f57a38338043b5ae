import t from 'tap';
import fc from 'fast-check';
import { keyToPem, makeCert, makeKey } from '../../src/gen/pki.js';
import type { RawBundle } from '../../src/model.js';
import { parseCertField, parseKeyField } from '../../src/parse/fields.js';

const key = await makeKey({ type: 'ec' });
const certPem = (await makeCert({ subject: 'CN=Leaf', key })).pem;
const keyPem = keyToPem(key, 'pkcs8');

function parseBoth(text: string) {
  const raw: RawBundle = { fields: { cert: text, private_key: text }, wrongType: {}, origin: 'p' };
  return [parseCertField(raw, 'cert').check, parseKeyField(raw, 'private_key', 'cert').check];
}

t.test('any text gives a verdict, never an exception', async (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
      for (const check of parseBoth(text)) {
        if (check.status === 'pass') return false;
        if (!check.message.startsWith(check.subject)) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('300 random texts');
});

t.test('a damaged PEM gives a verdict, never an exception, and never echoes the key', async (t) => {
  const secret = keyPem.split('\n').slice(1, -2).join('');
  const damage = fc.record({
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 8 }),
    insert: fc.string({ maxLength: 4 }),
    which: fc.boolean(),
  });
  fc.assert(
    fc.property(damage, ({ at, length, insert, which }) => {
      const text = which ? certPem : keyPem;
      const cut = at % text.length;
      const damaged = text.slice(0, cut) + insert + text.slice(cut + length);
      const checks = parseBoth(damaged);
      return checks.every((check) => {
        const shown = `${check.message} ${check.remedy ?? ''}`;
        return !(secret.match(/.{12}/g) ?? []).some((piece) => shown.includes(piece));
      });
    }),
    { numRuns: 300 },
  );
  t.pass('300 damaged PEMs');
});
