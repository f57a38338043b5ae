import t from 'tap';
import { ALL_FIELDS, type RawBundle } from '../../src/model.js';
import { parseBundle } from '../../suites/parse.js';
import { pick, pki, rawOf } from './fixtures.js';

const parts = await pki();

t.test('a healthy bundle: one passing check per field, everything parsed', async (t) => {
  const { bundle, checks } = parseBundle(rawOf(parts));
  t.equal(checks.length, ALL_FIELDS.length);
  for (const field of ALL_FIELDS) {
    const check = pick(checks, field, 'pem');
    t.equal(check.status, 'pass', `${field} passes`);
    t.equal(check.suite, 'parse');
    t.match(check.message, new RegExp(`^${field} holds`), `${field} named`);
  }
  t.equal(bundle.ca.length, 1);
  t.same(Object.keys(bundle.leaves).sort(), ['cert', 'target_data_cert', 'target_mgmt_cert']);
  t.equal(Object.keys(bundle.keys).length, 3);
  t.equal(bundle.scope, undefined);
});

t.test('missing and mistyped fields fail, naming the field and the remedy', async (t) => {
  const raw: RawBundle = rawOf(parts, { ca: undefined, private_key: undefined });
  raw.wrongType.target_data_cert = 'number';
  delete raw.fields.target_data_cert;
  raw.wrongType.target_mgmt_private_key = 'null';
  delete raw.fields.target_mgmt_private_key;

  const { bundle, checks } = parseBundle(raw);
  const cases: [string, string, RegExp][] = [
    ['ca', 'ca is missing: the reply has neither ca nor ca_cert', /enable_ca_cert=true/],
    ['private_key', 'private_key is missing from the bundle', /fetch the bundle again/],
    [
      'target_data_cert',
      'target_data_cert is a number, not a PEM string',
      /exactly as SMS sent it/,
    ],
    ['target_mgmt_private_key', 'target_mgmt_private_key is null, not a PEM string', /string/],
  ];
  for (const [field, message, remedy] of cases) {
    const check = pick(checks, field as 'ca', 'pem');
    t.equal(check.status, 'fail', `${field} fails`);
    t.equal(check.message, message, `${field}: exact message`);
    t.match(check.remedy, remedy, `${field}: remedy`);
  }
  t.same(bundle.ca, []);
  t.equal(bundle.leaves.target_data_cert, undefined);
  t.equal(bundle.keys.private_key, undefined);
  t.equal(pick(checks, 'cert', 'pem').status, 'pass', 'the other fields still parse');
});

t.test('the CA sent as ca_cert is reported as ca and says so', async (t) => {
  const raw = rawOf(parts);
  raw.caFieldName = 'ca_cert';
  const check = pick(parseBundle(raw).checks, 'ca', 'pem');
  t.equal(check.status, 'pass');
  t.match(check.message, /^ca \(sent as ca_cert\) holds one certificate/);
});

t.test('a scope limits the leaves read', async (t) => {
  const { bundle, checks } = parseBundle(rawOf(parts), ['target_data_cert']);
  t.same(
    checks.map((check) => check.subject),
    ['ca', 'target_data_cert', 'target_data_private_key'],
  );
  t.same(bundle.scope, ['target_data_cert']);
});

t.test('no message of a failing key field shows key material', async (t) => {
  const good = rawOf(parts).fields.private_key as string;
  const lines = good.trim().split('\n');
  const broken = [
    good.replace(/\n/g, '\\n'),
    lines.slice(0, -1).join('\n'),
    `${good}trailing words\n`,
    good.replace('END PRIVATE KEY', 'END CERTIFICATE'),
    `${good}${good}`,
  ];
  const pieces = lines.slice(1, -1).join('').match(/.{16}/g) ?? [];
  for (const text of broken) {
    const check = pick(
      parseBundle(rawOf(parts, { private_key: text })).checks,
      'private_key',
      'pem',
    );
    t.equal(check.status, 'fail');
    const shown = `${check.message} ${check.remedy} ${check.note ?? ''}`;
    t.notOk(
      pieces.some((piece) => shown.includes(piece)),
      `no key bytes in: ${check.message}`,
    );
  }
});

t.test(
  'a public key in a key field is a warning in a redacted export, a failure elsewhere',
  async (t) => {
    const spki = parts.leaves.cert.key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const raw = rawOf(parts, { private_key: spki });
    const plain = pick(parseBundle(raw).checks, 'private_key', 'pem');
    t.equal(plain.status, 'fail');
    t.match(plain.message, /^private_key holds a public key where the private key of cert belongs/);
    const redacted = parseBundle({ ...raw, redacted: true });
    t.equal(pick(redacted.checks, 'private_key', 'pem').status, 'warn');
    t.ok(redacted.bundle.publicKeys.private_key);
    t.equal(redacted.bundle.keys.private_key, undefined);
  },
);
