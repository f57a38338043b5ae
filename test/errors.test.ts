import t from 'tap';
import { CertkeyError, formatError, scrubSecrets, toCertkeyError } from '../src/errors.js';

t.test('formatError names the code and the remedy', async (t) => {
  const text = formatError(
    new CertkeyError('E_INPUT_READ', 'cannot read x.json', 'check the path'),
  );
  t.match(text, /^certkey: E_INPUT_READ: cannot read x\.json\n  remedy: check the path\n$/);
});

t.test('unknown errors lose PEM blocks', async (t) => {
  const pem =
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ\n-----END PRIVATE KEY-----';
  const error = toCertkeyError(new Error(`bad ${pem}`));
  t.equal(error.code, 'E_INTERNAL');
  t.notMatch(error.message, /MIIE/);
  t.equal(scrubSecrets('plain'), 'plain');
});
