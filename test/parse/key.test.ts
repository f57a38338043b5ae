import t from 'tap';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { keyToPem, makeCert, makeKey } from '../../src/gen/pki.js';
import type { RawBundle } from '../../src/model.js';
import { parseKeyField } from '../../src/parse/fields.js';
import { keyFingerprint } from '../../src/parse/fingerprint.js';

function keyCheck(text: string) {
  const raw: RawBundle = { fields: { private_key: text }, wrongType: {}, origin: 'test' };
  return parseKeyField(raw, 'private_key', 'cert');
}

/** Every base64 run of a PEM, cut into pieces a leak would show. */
function secretPieces(pem: string): string[] {
  const body = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
  return body.join('').match(/.{24}/g) ?? [];
}

const rsa = await makeKey({ type: 'rsa' });
const ec = await makeKey({ type: 'ec', curve: 'P-384' });
const ed = await makeKey({ type: 'ed25519' });
const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey;
const pssPem = pss.export({ type: 'pkcs8', format: 'pem' }).toString();

t.test('reads every usual key form', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['RSA PKCS#1', keyToPem(rsa, 'pkcs1'), /holds an RSA-2048 private key \(PKCS#1\)/],
    ['RSA PKCS#8', keyToPem(rsa, 'pkcs8'), /holds an RSA-2048 private key \(PKCS#8\)/],
    ['RSA-PSS PKCS#8', pssPem, /holds an RSA-PSS-2048 private key \(PKCS#8\)/],
    ['EC SEC1', keyToPem(ec, 'sec1'), /holds an EC P-384 private key \(SEC1\)/],
    ['EC PKCS#8', keyToPem(ec, 'pkcs8'), /holds an EC P-384 private key \(PKCS#8\)/],
    ['Ed25519 PKCS#8', keyToPem(ed, 'pkcs8'), /holds an Ed25519 private key \(PKCS#8\)/],
    [
      'EC SEC1 after its parameters',
      '-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n' +
        keyToPem(ec, 'sec1'),
      /EC P-384 private key \(SEC1\)/,
    ],
    ['CRLF and a BOM', `\uFEFF${keyToPem(rsa, 'pkcs1').replace(/\n/g, '\r\n')}`, /RSA-2048/],
  ];
  for (const [name, pem, message] of cases) {
    const { check, key } = keyCheck(pem);
    t.equal(check.status, 'pass', `${name}: passes`);
    t.equal(check.subject, 'private_key', `${name}: subject`);
    t.match(check.message, message, `${name}: names the type and form`);
    t.ok(key, `${name}: key kept`);
    t.ok(check.message.endsWith(keyFingerprint(key!)), `${name}: fingerprint shown`);
    for (const piece of secretPieces(pem))
      t.notOk(check.message.includes(piece), `${name}: no key bytes`);
  }
});

t.test('refuses keys it cannot use, saying why', async (t) => {
  const cert = (await makeCert({ subject: 'CN=x', key: ec })).pem;
  const pkcs8 = ed.privateKey.export({ type: 'pkcs8', format: 'der' });
  const unknown = Buffer.from(pkcs8);
  unknown[pkcs8.indexOf(Buffer.from([0x2b, 0x65, 0x70])) + 2] = 0x7f; // 1.3.101.127: no such key
  const corrupt = Buffer.from(keyToPem(rsa, 'pkcs1').split('\n').slice(1, -2).join(''), 'base64');
  corrupt[4] = 0x05; // the version INTEGER becomes a NULL: no RSAPrivateKey any more
  const full = corrupt.length;
  const wrap = (label: string, der: Buffer) =>
    `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}` +
    `-----END ${label}-----\n`;

  const cases: [string, string, 'fail' | 'skip', string][] = [
    [
      'PKCS#8 encrypted',
      keyToPem(ec, 'pkcs8', 'secret'),
      'fail',
      'private_key is an encrypted private key: a passphrase is needed to read it',
    ],
    [
      'PKCS#1 encrypted',
      keyToPem(rsa, 'pkcs1', 'secret'),
      'fail',
      'private_key is an encrypted private key: a passphrase is needed to read it',
    ],
    [
      'SEC1 encrypted',
      keyToPem(ec, 'sec1', 'secret'),
      'fail',
      'private_key is an encrypted private key: a passphrase is needed to read it',
    ],
    ['a certificate', cert, 'fail', 'private_key holds a certificate where a private key belongs'],
    [
      'a PKCS#8 key under a CERTIFICATE label',
      wrap('CERTIFICATE', pkcs8),
      'fail',
      'private_key has a CERTIFICATE block whose content is not a certificate (it looks like a ' +
        'PKCS#8 private key): fix the label',
    ],
    [
      'a SEC1 key under a CERTIFICATE label',
      keyToPem(ec, 'sec1').replace(/EC PRIVATE KEY/g, 'CERTIFICATE'),
      'fail',
      'private_key has a CERTIFICATE block whose content is not a certificate (it looks like a ' +
        'SEC1 private key): fix the label',
    ],
    [
      'neither a certificate nor a key under a CERTIFICATE label',
      wrap('CERTIFICATE', corrupt),
      'fail',
      'private_key has a CERTIFICATE block whose content decodes neither as a certificate nor ' +
        'as a private key',
    ],
    [
      'two keys',
      keyToPem(ec, 'pkcs8') + keyToPem(ed, 'pkcs8'),
      'fail',
      'private_key holds 2 PEM blocks; a key field holds exactly one private key',
    ],
    [
      'an OpenSSH key',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nMAA=\n-----END OPENSSH PRIVATE KEY-----\n',
      'fail',
      'private_key is an OpenSSH private key; TLS needs PEM (PKCS#8, PKCS#1 or SEC1)',
    ],
    [
      'a corrupt key',
      wrap('RSA PRIVATE KEY', corrupt),
      'fail',
      'private_key is corrupt: its PKCS#1 private key does not decode',
    ],
    [
      'a truncated key',
      keyToPem(rsa, 'pkcs1').replace(/^(.*\n.*\n).*\n/, '$1'),
      'fail',
      `private_key has a truncated RSA PRIVATE KEY block: its DER declares ${full} bytes but ` +
        `holds ${full - 48}`,
    ],
    [
      'an unknown algorithm',
      wrap('PRIVATE KEY', unknown),
      'skip',
      'private_key uses key algorithm 1.3.101.127, which node:crypto cannot load here; this is ' +
        'a limit of certkey, not necessarily a defect of the bundle',
    ],
    [
      'DER bytes',
      pkcs8.toString('latin1'),
      'fail',
      'private_key holds binary DER bytes where PEM text belongs',
    ],
  ];
  for (const [name, pem, status, message] of cases) {
    const { check, key } = keyCheck(pem);
    t.equal(check.status, status, `${name}: ${status}`);
    t.equal(check.message, message, `${name}: exact message`);
    if (name !== 'a corrupt key') t.notMatch(check.message, /corrupt/, `${name}: not corrupt`);
    t.equal(key, undefined, `${name}: no key`);
    for (const piece of secretPieces(pem))
      t.notOk(`${check.message} ${check.remedy}`.includes(piece), `${name}: no key bytes`);
  }
});

t.test('a key under the label of another form fails, naming both', async (t) => {
  // Asked for one form, OpenSSL 3 loads DER of others (3.5 of any); its PEM reader refuses.
  const relabel = (pem: string, label: string) =>
    pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, `-----$1 ${label}-----`);
  const tail = ': the PEM label does not match what the block holds, so OpenSSL and TLS refuse it';

  const cases: [string, string, string, string][] = [
    ['RSA PRIVATE KEY', keyToPem(rsa, 'pkcs8'), 'a PKCS#8 RSA-2048', 'PRIVATE KEY'],
    ['RSA PRIVATE KEY', keyToPem(ec, 'sec1'), 'a SEC1 EC P-384', 'EC PRIVATE KEY'],
    ['RSA PRIVATE KEY', keyToPem(ed, 'pkcs8'), 'a PKCS#8 Ed25519', 'PRIVATE KEY'],
    ['EC PRIVATE KEY', keyToPem(rsa, 'pkcs1'), 'a PKCS#1 RSA-2048', 'RSA PRIVATE KEY'],
    ['EC PRIVATE KEY', keyToPem(ec, 'pkcs8'), 'a PKCS#8 EC P-384', 'PRIVATE KEY'],
    ['PRIVATE KEY', keyToPem(rsa, 'pkcs1'), 'a PKCS#1 RSA-2048', 'RSA PRIVATE KEY'],
    ['PRIVATE KEY', keyToPem(ec, 'sec1'), 'a SEC1 EC P-384', 'EC PRIVATE KEY'],
  ];
  for (const [label, right, holds, rightLabel] of cases) {
    const name = `${label} label on ${holds}`;
    const pem = relabel(right, label);
    const { check, key } = keyCheck(pem);
    t.equal(check.status, 'fail', `${name}: fails`);
    t.equal(
      check.message,
      `private_key has ${label === 'PRIVATE KEY' ? 'a' : 'an'} ${label} label on ${holds} ` +
        `private key${tail}`,
      `${name}: exact message`,
    );
    t.equal(
      check.remedy,
      `fix the label to -----BEGIN ${rightLabel}-----, with the END line to match, or fetch ` +
        'the bundle again',
      `${name}: remedy names the right label`,
    );
    t.equal(key, undefined, `${name}: no key`);
    for (const piece of secretPieces(pem))
      t.notOk(`${check.message} ${check.remedy}`.includes(piece), `${name}: no key bytes`);

    t.equal(
      keyCheck(relabel(right, rightLabel)).check.status,
      'pass',
      `${name}: as ${rightLabel}, passes`,
    );
  }
});

t.test(
  'a public key in a key field is a redacted bundle: a warning, and the key kept',
  async (t) => {
    const pem = createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const { check, key, publicKey } = keyCheck(pem);
    t.equal(check.status, 'warn');
    t.match(
      check.message,
      new RegExp(
        '^private_key holds a public key \\(RSA-2048, sha256:[0-9a-f]{16}…\\), as a redacted ' +
          'bundle does',
      ),
    );
    t.equal(key, undefined);
    t.ok(publicKey);
  },
);
