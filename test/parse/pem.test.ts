import t from 'tap';
import { makeCert, makeKey } from '../../src/gen/pki.js';
import type { RawBundle } from '../../src/model.js';
import { parseCertField } from '../../src/parse/fields.js';

const key = await makeKey({ type: 'ec' });
const good = (await makeCert({ subject: 'CN=Leaf', key })).pem;
const other = (await makeCert({ subject: 'CN=Other', key })).pem;
const lines = good.trim().split('\n');
const body = lines.slice(1, -1);
const der = Buffer.from(body.join(''), 'base64');

function certCheck(text: string, field: 'cert' | 'ca' = 'cert') {
  const raw: RawBundle = { fields: { [field]: text }, wrongType: {}, origin: 'test' };
  return parseCertField(raw, field);
}

function pem(bytes: Buffer): string {
  const base64 = bytes.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
}

const RECOPY = 'copy the field again from the API reply, whole and unchanged';

t.test('refuses each broken PEM with its exact message', async (t) => {
  const cases: [string, string, string, string?][] = [
    ['empty', '', 'cert is empty'],
    ['only blanks', ' \n\t\n', 'cert is empty'],
    [
      'UTF-16 read as UTF-8',
      Buffer.from(good, 'utf16le').toString('utf8'),
      'cert is UTF-16 text; PEM must be ASCII (or UTF-8)',
    ],
    [
      'UTF-16 with its BOM',
      `\uFFFD\uFFFD${Buffer.from(good, 'utf16le').toString('latin1')}`,
      'cert is UTF-16 text; PEM must be ASCII (or UTF-8)',
    ],
    [
      'literal \\n escapes',
      good.replace(/\n/g, '\\n'),
      'cert holds literal \\n escapes (a backslash and an n) where line breaks belong',
    ],
    [
      'literal \\r\\n escapes',
      good.replace(/\n/g, '\\r\\n'),
      'cert holds literal \\n escapes (a backslash and an n) where line breaks belong',
    ],
    ['DER bytes', der.toString('latin1'), 'cert holds binary DER bytes where PEM text belongs'],
    [
      'DER bytes that happen to hold a backslash and an n',
      Buffer.concat([der, Buffer.from('\\n')]).toString('latin1'),
      'cert holds binary DER bytes where PEM text belongs',
    ],
    [
      'DER bytes read as UTF-8',
      der.toString('utf8'),
      'cert holds binary DER bytes where PEM text belongs',
    ],
    ['plain text', 'see attachment', 'cert is not PEM: it has no -----BEGIN line'],
    [
      'base64 alone',
      body.join('\n'),
      'cert holds base64 without its -----BEGIN and -----END lines',
    ],
    [
      'the API example placeholder',
      '-----BEGIN CERTIFICATE-----\n********************************\n-----END CERTIFICATE-----',
      'cert holds a row of asterisks, a redacted placeholder, not PEM data',
    ],
    [
      'header without footer',
      lines.slice(0, -1).join('\n'),
      'cert has a -----BEGIN CERTIFICATE----- line without its -----END CERTIFICATE----- line',
    ],
    [
      'a second header before the footer',
      `${lines.slice(0, -1).join('\n')}\n${good}`,
      'cert has a -----BEGIN CERTIFICATE----- line without its -----END CERTIFICATE----- line',
    ],
    [
      'footer without header',
      lines.slice(1).join('\n'),
      'cert has an -----END CERTIFICATE----- line without a -----BEGIN CERTIFICATE----- line',
    ],
    [
      'mismatched labels',
      good.replace('END CERTIFICATE', 'END RSA PRIVATE KEY'),
      'cert begins a block with -----BEGIN CERTIFICATE----- but ends it with -----END RSA ' +
        'PRIVATE KEY-----',
    ],
    [
      'bad base64',
      good.replace(
        body[2] as string,
        `${(body[2] as string).slice(0, 10)}!${(body[2] as string).slice(11)}`,
      ),
      'cert has bad base64 on line 3 of its CERTIFICATE block',
    ],
    [
      'truncated base64',
      good.replace(
        `${body[body.length - 1]}\n`,
        `${(body[body.length - 1] as string).slice(0, -1)}\n`,
      ),
      'cert has truncated base64 in its CERTIFICATE block (not a whole number of 4-character ' +
        'groups)',
    ],
    [
      'a line lost',
      pem(der).replace(/^((?:.*\n){2}).*\n/, '$1'),
      `cert has a truncated CERTIFICATE block: its DER declares ${der.length} bytes but ` +
        `holds ${der.length - 48}`,
    ],
    [
      'bytes after the DER',
      pem(Buffer.concat([der, Buffer.from([0, 0, 0])])),
      'cert has 3 bytes of trailing garbage inside its CERTIFICATE block, after the end of its ' +
        'DER structure',
    ],
    [
      'not DER inside',
      pem(Buffer.from('hello world!')),
      'cert has a CERTIFICATE block whose content is not a DER structure',
    ],
    [
      'text after the footer',
      `${good}garbage\n`,
      'cert has trailing garbage after its -----END CERTIFICATE----- line',
    ],
    [
      'two certificates in a leaf field',
      good + other,
      'cert holds 2 certificates; a leaf field holds exactly one',
    ],
    [
      'a private key in a certificate field',
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n',
      'cert holds a private key where a certificate belongs',
    ],
    [
      'a certificate then its key',
      `${good}-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n`,
      'cert holds a private key beside its certificate',
    ],
    [
      'a CSR',
      '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n',
      'cert holds a -----BEGIN CERTIFICATE REQUEST----- block, not a certificate',
    ],
  ];

  for (const [name, text, message] of cases) {
    const { check, certs } = certCheck(text);
    t.equal(check.status, 'fail', `${name}: fails`);
    t.equal(check.subject, 'cert', `${name}: names the field`);
    t.equal(check.suite, 'parse', `${name}: parse suite`);
    t.equal(check.message, message, `${name}: exact message`);
    t.ok(check.remedy && check.remedy.length > 10, `${name}: says what to do`);
    t.same(certs, [], `${name}: no certificate`);
  }
  t.equal(
    certCheck(lines.slice(0, -1).join('\n')).check.remedy,
    `the PEM was cut short: ${RECOPY}`,
  );
});

t.test('forgives a BOM, CRLF, spaces at line ends and text before the block', async (t) => {
  const cases: [string, string, RegExp | null][] = [
    ['plain', good, null],
    ['CRLF', good.replace(/\n/g, '\r\n'), /CRLF line ends/],
    ['UTF-8 BOM', `\uFEFF${good}`, /byte order mark/],
    ['trailing spaces', good.replace(/\n/g, '  \n'), /spaces at line ends/],
    ['no final newline', good.trim(), null],
    ['explanatory text before', `subject=CN=Leaf\nissuer=CN=Leaf\n${good}`, null],
    ['X509 CERTIFICATE label', good.replace(/CERTIFICATE/g, 'X509 CERTIFICATE'), null],
  ];
  for (const [name, text, note] of cases) {
    const { check, certs } = certCheck(text);
    t.equal(check.status, 'pass', `${name}: passes`);
    t.equal(certs.length, 1, `${name}: one certificate`);
    t.equal(certs[0]?.x509.subject, 'CN=Leaf', `${name}: the right one`);
    t.ok(certs[0]?.node.subject.includes('CN=Leaf'), `${name}: node view too`);
    if (note) t.match(check.note, note, `${name}: says what was forgiven`);
    else t.equal(check.note, undefined, `${name}: nothing forgiven`);
  }
});

t.test('the CA field holds several certificates in order', async (t) => {
  const { check, certs } = certCheck(`${good}\n${other}`, 'ca');
  t.equal(check.status, 'pass');
  t.match(
    check.message,
    /^ca holds 2 certificates: 'CN=Leaf' \(EC P-256, sha256:[0-9a-f]{16}…\), 'CN=Other'/,
  );
  t.same(
    certs.map((cert) => cert.x509.subject),
    ['CN=Leaf', 'CN=Other'],
  );
  t.ok(certs.every((cert) => cert.field === 'ca'));
});

t.test('an unreadable certificate fails, naming its position in the CA field', async (t) => {
  const broken = Buffer.from(der);
  broken[4] = 0x31; // the signed part becomes a SET: no X.509 reader takes it
  const { check, certs } = certCheck(`${good}${pem(broken)}`, 'ca');
  t.equal(check.status, 'fail');
  t.equal(
    check.message,
    'ca certificate 2 of 2 is not a certificate OpenSSL can read: its DER does not decode as ' +
      'an X.509 certificate',
  );
  t.same(certs, [], 'a CA field that half parsed gives no certificates');
});
