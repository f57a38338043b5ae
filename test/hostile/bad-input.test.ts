/**
 * Bad input through the CLI, case by case: every one ends with a documented exit code, a
 * message naming the file or field, no stack trace and no key material on either stream.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import {
  assertCleanError,
  assertNoSecrets,
  keyLines,
  writeHealthyBundle,
} from '../faults/mock-cli.js';
import { bodyOf, derOf, toPem, withInnerLength, withOuterLength } from './pem-tools.js';

t.setTimeout(600_000);
t.jobs = 3;

const dir = t.testdir({ folder: {} });
const { fields } = await writeHealthyBundle(dir, 'good.json');
const SECRETS = keyLines(fields);
const file = (name: string) => join(dir, name);

/** Writes a bundle with some fields replaced. */
function bundleWith(name: string, changes: Record<string, unknown>): string {
  writeFileSync(file(name), JSON.stringify({ ...fields, ...changes }), { mode: 0o600 });
  return name;
}

const cert = fields['cert'] ?? '';
const key = fields['private_key'] ?? '';
const certDer = derOf(cert);
const keyDer = derOf(key);
const certLines = cert.trim().split('\n');

writeFileSync(file('empty.json'), '');
writeFileSync(file('latin1.json'), Buffer.from('{"cert":"caf\xe9"}', 'latin1'));
writeFileSync(file('utf16.json'), Buffer.from('\ufeff{"cert":"x"}', 'utf16le'));
writeFileSync(file('not-json.json'), `${key}\n`);
writeFileSync(file('array.json'), '[1, 2, 3]');
writeFileSync(file('string.json'), '"a string"');
writeFileSync(file('deep-open.json'), '['.repeat(100_000));
writeFileSync(file('deep-closed.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
writeFileSync(file('too-big.json'), Buffer.alloc(17 * 1024 * 1024, 0x20));
bundleWith('over-limit.json', { cert: 'A'.repeat(1_048_577) });
writeFileSync(
  file('deep-field.json'),
  `${JSON.stringify(fields).slice(0, -1)},"cert":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
);
bundleWith('wrong-types.json', { cert: 5, private_key: { a: 1 }, ca_cert: null });

/** Exit 2: the file cannot be read as a certkey reply. */
const FILE_CASES: [string, string, RegExp][] = [
  ['a missing file', 'missing.json', /E_INPUT_READ: cannot read \S*missing\.json: no such file/],
  ['a directory', 'folder', /E_INPUT_READ: cannot read \S*folder: it is a directory/],
  ['an empty file', 'empty.json', /E_INPUT_JSON: \S*empty\.json is empty/],
  ['Latin-1 bytes', 'latin1.json', /E_INPUT_JSON: \S*latin1\.json is not UTF-8 text/],
  ['UTF-16 text', 'utf16.json', /E_INPUT_JSON: \S*utf16\.json is UTF-16, not UTF-8/],
  ['a bare PEM key', 'not-json.json', /E_INPUT_JSON: \S*not-json\.json is not valid JSON/],
  ['a JSON array', 'array.json', /E_INPUT_SHAPE: \S*array\.json: the JSON is an array/],
  ['a JSON string', 'string.json', /E_INPUT_SHAPE: \S*string\.json: the JSON is a string/],
  ['100k unclosed [', 'deep-open.json', /E_INPUT_JSON: \S*deep-open\.json is not valid JSON/],
  ['100k nested arrays', 'deep-closed.json', /E_INPUT_SHAPE: \S*deep-closed\.json: .*array/],
  ['a 17 MiB file', 'too-big.json', /E_INPUT_READ: \S*too-big\.json is over 16 MiB/],
  ['a field over 1 MiB', 'over-limit.json', /E_INPUT_SHAPE: .*field cert has 1048577 char/],
];

for (const [name, input, message] of FILE_CASES) {
  t.test(`run --bundle with ${name}: exit 2`, async (t) => {
    const result = await runCli(['run', '--bundle', file(input), '--out', t.testdir({})]);
    t.equal(result.code, 2);
    assertCleanError(t, result.stderr, message);
    t.equal(result.stderr.trim().split('\n').length, 2, 'one line and a remedy');
    assertNoSecrets(t, result.stdout + result.stderr, SECRETS, 'output');
  });
}

t.test('stdin that is not JSON: exit 2 naming stdin', async (t) => {
  const result = await runCli(['run', '--bundle', '-', '--out', t.testdir({})], { input: key });
  t.equal(result.code, 2);
  assertCleanError(t, result.stderr, /E_INPUT_JSON: stdin is not valid JSON/);
  assertNoSecrets(t, result.stdout + result.stderr, SECRETS, 'output');
});

const twoPowThirtyOne = 2 ** 31;
/** Exit 1: the file is a reply, but a field fails the parse suite, named in the summary. */
const FIELD_CASES: [string, Record<string, unknown>, RegExp][] = [
  ['fields of the wrong type', {}, /parse\/cert: cert is a number, not a PEM string/],
  [
    'truncated base64',
    { cert: `${certLines.slice(0, -1).join('\n').slice(0, -3)}\n${certLines.at(-1)}` },
    /parse\/cert: cert has truncated base64/,
  ],
  [
    'bad base64 characters',
    { cert: cert.replace(/\n([A-Za-z0-9+/]{10})[A-Za-z0-9+/]{2}/, '\n$1*!') },
    /parse\/cert: cert has bad base64 on line 1 of its CERTIFICATE block/,
  ],
  [
    'a header without footer',
    { private_key: key.replace(/-----END [^\n]*/, '') },
    /parse\/private_key: private_key has a -----BEGIN RSA PRIVATE KEY----- line without/,
  ],
  [
    'mismatched labels',
    { cert: cert.replace('END CERTIFICATE', 'END PRIVATE KEY') },
    /parse\/cert: cert begins a block with -----BEGIN CERTIFICATE----- but ends/,
  ],
  [
    'DER bytes where PEM belongs',
    { cert: certDer.toString('latin1') },
    /parse\/cert: cert holds binary DER bytes where PEM text belongs/,
  ],
  [
    'a key as raw base64',
    { private_key: bodyOf(key) },
    /parse\/private_key: private_key holds base64 without its -----BEGIN/,
  ],
  [
    'a certificate with trailing garbage',
    { cert: toPem('CERTIFICATE', Buffer.concat([certDer, Buffer.from('garbage!')])) },
    /parse\/cert: cert has 8 bytes of trailing garbage inside its CERTIFICATE block/,
  ],
  [
    'text after the END line',
    { cert: `${cert.trim()}\nleft over\n` },
    /parse\/cert: cert has trailing garbage after its -----END CERTIFICATE----- line/,
  ],
  [
    'an outer length of 2^31 bytes',
    { cert: toPem('CERTIFICATE', withOuterLength(certDer, twoPowThirtyOne)) },
    /parse\/cert: cert has a truncated CERTIFICATE block: its DER declares 2147483654 bytes/,
  ],
  [
    'an absurd inner length in a certificate',
    { cert: toPem('CERTIFICATE', withInnerLength(certDer, 4)) },
    /parse\/cert: cert is not a certificate OpenSSL can read/,
  ],
  [
    'an absurd inner length in a key',
    { private_key: toPem('RSA PRIVATE KEY', withInnerLength(keyDer, 7)) },
    /parse\/private_key: private_key is corrupt: its PKCS#1 private key does not decode/,
  ],
  [
    'a PKCS#1 key under an EC PRIVATE KEY label',
    { private_key: key.replace(/RSA PRIVATE KEY/g, 'EC PRIVATE KEY') },
    /parse\/private_key: private_key has an EC PRIVATE KEY label on a PKCS#1 RSA-2048 private/,
  ],
  ['nested arrays in a field', {}, /parse\/cert: cert is an array, not a PEM string/],
];

for (const [index, [name, changes, message]] of FIELD_CASES.entries()) {
  t.test(`run --bundle with ${name}: exit 1 naming the field`, async (t) => {
    const input =
      name === 'fields of the wrong type'
        ? 'wrong-types.json'
        : name === 'nested arrays in a field'
          ? 'deep-field.json'
          : bundleWith(`field-${index}.json`, changes);
    const result = await runCli(['run', '--bundle', file(input), '--out', t.testdir({})]);
    t.equal(result.code, 1, 'exit 1: a check failed');
    t.match(result.stdout, message);
    t.notMatch(result.stdout + result.stderr, /\n\s+at \S/, 'no stack trace');
    assertNoSecrets(t, result.stdout + result.stderr, SECRETS, 'output');
  });
}
