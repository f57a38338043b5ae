import t from 'tap';
import { CertkeyError, EXIT, formatError } from '../../src/errors.js';
import { MAX_FIELD_CHARS, toRawBundle } from '../../src/intake/bundle.js';
import { KEY_BODY, sampleReply } from './fixtures.js';

t.test('a reply as the API example names it: CA under ca_cert, stored as ca', async (t) => {
  const reply = sampleReply();
  const raw = toRawBundle(reply, 'reply.json');
  t.equal(raw.origin, 'reply.json');
  t.equal(raw.caFieldName, 'ca_cert');
  t.equal(raw.fields.ca, reply['ca_cert']);
  t.equal(raw.fields.target_data_private_key, reply['target_data_private_key']);
  t.same(raw.wrongType, {});
  t.equal(raw.notes, undefined, 'nothing to note');
  t.notOk('ca_cert' in raw.fields, 'only model field names are keys');
});

t.test('a reply as the SDKs name it: CA under ca', async (t) => {
  const { ca_cert: ca, ...rest } = sampleReply();
  const raw = toRawBundle({ ...rest, ca }, 'x');
  t.equal(raw.caFieldName, 'ca');
  t.equal(raw.fields.ca, ca);
});

const CA_CASES: {
  name: string;
  ca: unknown;
  caCert: unknown;
  field?: 'ca' | 'ca_cert';
  text?: string;
  wrongType?: string;
  note?: RegExp;
}[] = [
  { name: 'both, identical', ca: 'A', caCert: 'A', field: 'ca', text: 'A', note: /identical/ },
  {
    name: 'both, different',
    ca: 'A',
    caCert: 'B',
    field: 'ca',
    text: 'A',
    note: /differ: checked ca/,
  },
  {
    name: 'ca null, ca_cert text',
    ca: null,
    caCert: 'B',
    field: 'ca_cert',
    text: 'B',
    note: /ca is a null: used ca_cert/,
  },
  {
    name: 'ca text, ca_cert null',
    ca: 'A',
    caCert: null,
    field: 'ca',
    text: 'A',
    note: /ca_cert is a null: ignored/,
  },
  { name: 'ca a number, no ca_cert', ca: 7, caCert: undefined, field: 'ca', wrongType: 'number' },
  { name: 'neither', ca: undefined, caCert: undefined },
];

for (const entry of CA_CASES) {
  t.test(`CA field: ${entry.name}`, async (t) => {
    const reply: Record<string, unknown> = { cert: 'C' };
    if (entry.ca !== undefined) reply['ca'] = entry.ca;
    if (entry.caCert !== undefined) reply['ca_cert'] = entry.caCert;
    const raw = toRawBundle(reply, 'x');
    t.equal(raw.caFieldName, entry.field);
    t.equal(raw.fields.ca, entry.text);
    t.equal(raw.wrongType.ca, entry.wrongType);
    if (entry.note) t.match(raw.notes?.join('\n'), entry.note);
    else t.equal(raw.notes, undefined);
  });
}

t.test('non-string values are named by type, never shown', async (t) => {
  const raw = toRawBundle(
    {
      cert: 42,
      private_key: { pem: KEY_BODY },
      target_mgmt_cert: null,
      target_mgmt_private_key: [KEY_BODY],
      target_data_cert: true,
      target_data_private_key: '',
    },
    'x',
  );
  t.same(raw.wrongType, {
    cert: 'number',
    private_key: 'object',
    target_mgmt_cert: 'null',
    target_mgmt_private_key: 'array',
    target_data_cert: 'boolean',
  });
  t.same(raw.fields, { target_data_private_key: '' }, 'an empty string is still a string');
  t.notOk(JSON.stringify(raw).includes(KEY_BODY));
});

t.test('unknown fields are ignored, missing fields stay absent', async (t) => {
  const raw = toRawBundle({ cert: 'C', passphrase: 'p', extra: { deep: 1 } }, 'x');
  t.same(raw.fields, { cert: 'C' });
  t.same(raw.wrongType, {});
});

for (const [name, json] of [
  ['an array', [sampleReply()]],
  ['a string', 'cert'],
  ['null', null],
  ['a number', 3],
] as const) {
  t.test(`E_INPUT_SHAPE: the JSON is ${name}`, async (t) => {
    const error = t.throws(() => toRawBundle(json, 'reply.json')) as CertkeyError;
    t.equal(error.code, 'E_INPUT_SHAPE');
    t.equal(error.exitCode, EXIT.usage);
    t.match(error.message, /^reply\.json: the JSON is/);
    t.match(error.message, /a certkey reply is a JSON object with the fields cert, private_key/);
    t.notOk(formatError(error).includes(KEY_BODY));
  });
}

t.test('E_INPUT_SHAPE: an object without any certkey field', async (t) => {
  const cases: [unknown, RegExp][] = [
    [{}, /^e\.json: the JSON is a JSON object without any certkey field: a certkey reply/],
    [{ certkey: { cert: 'C' } }, /without any certkey field/],
    [
      { error_code: 'SMS.9404', error_msg: 'no such task' },
      /^e\.json: the JSON is an SMS error reply \(SMS\.9404\), not a certkey reply/,
    ],
  ];
  for (const [json, message] of cases) {
    const error = t.throws(() => toRawBundle(json, 'e.json')) as CertkeyError;
    t.match(error, { code: 'E_INPUT_SHAPE', exitCode: EXIT.usage, message });
  }
  t.same(toRawBundle({ ca_cert: 'A' }, 'x').fields, { ca: 'A' }, 'one certkey field is enough');
});

t.test('E_INPUT_SHAPE: a field over 1 MiB is named', async (t) => {
  const fine = toRawBundle({ private_key: 'k'.repeat(MAX_FIELD_CHARS) }, 'x');
  t.equal(fine.fields.private_key?.length, MAX_FIELD_CHARS, 'exactly the limit is fine');

  for (const field of ['target_mgmt_private_key', 'ca_cert']) {
    const error = t.throws(() =>
      toRawBundle({ [field]: `${KEY_BODY}${'k'.repeat(MAX_FIELD_CHARS)}` }, 'reply.json'),
    ) as CertkeyError;
    t.equal(error.code, 'E_INPUT_SHAPE');
    t.match(error.message, new RegExp(`field ${field} has \\d+ characters`));
    t.notOk(formatError(error).includes(KEY_BODY));
  }
});
