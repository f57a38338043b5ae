import { readFileSync } from 'node:fs';
import t from 'tap';
import { CertkeyError, ERROR_CODES, formatError, scrubSecrets } from '../src/errors.js';
import { toCertkeyError } from '../src/errors.js';

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

t.test("the README's table holds every error code with its exit code", async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `(E_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]),
  );
  for (const [code, exit] of Object.entries(ERROR_CODES)) {
    t.equal(rows.get(code), exit, `${code}: exit ${exit}`);
  }
  t.equal(rows.size, Object.keys(ERROR_CODES).length, 'and no code that does not exist');
});
