import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import t, { type Test } from 'tap';
import { CertkeyError } from '../../src/errors.js';
import { readRedactedMarker } from '../../src/export/format.js';
import { assertNoSecrets, redactBundle, secretLines } from '../../src/export/redact.js';
import { generateBundle } from '../../src/gen/bundle.js';
import { toRawBundle } from '../../src/intake/bundle.js';
import { KEY_FIELDS } from '../../src/model.js';
import { parseBundle } from '../../suites/parse.js';
import { pairSuite } from '../../suites/pair.js';

/** Every base64 line of every string in a reply that holds a private key. */
function keyLines(reply: Record<string, string>): string[] {
  return Object.values(reply)
    .filter((text) => /PRIVATE KEY/.test(text))
    .flatMap((text) => text.split('\n'))
    .filter((line) => /^[A-Za-z0-9+/=]+$/.test(line));
}

/** No PRIVATE KEY label, no key line as a line of a field, no long key line anywhere. */
function assertClean(t: Test, text: string, reply: Record<string, string>) {
  t.notMatch(text, /PRIVATE KEY/, 'no PRIVATE KEY label');
  const copy = JSON.parse(text) as Record<string, unknown>;
  const written = new Set(
    Object.values(copy)
      .filter((value): value is string => typeof value === 'string')
      .flatMap((value) => value.split('\n')),
  );
  const lines = keyLines(reply);
  t.ok(lines.length > 0, 'the original has key lines to look for');
  t.notOk(
    lines.some((line) => written.has(line)),
    'no line of an original key is a line of the copy',
  );
  t.notOk(
    lines.filter((line) => line.length >= 16).some((line) => text.includes(line)),
    'no long line of an original key appears anywhere in the copy',
  );
}

t.test('a healthy bundle: public keys and fingerprints, certificates unchanged', async (t) => {
  const reply = await generateBundle();
  const { text, marker } = redactBundle(toRawBundle(reply, 'reply.json'));
  assertClean(t, text, reply);

  const copy = JSON.parse(text) as Record<string, unknown>;
  t.same(Object.keys(copy), [
    'certkey_redacted',
    'ca_cert',
    'cert',
    'private_key',
    'target_mgmt_cert',
    'target_mgmt_private_key',
    'target_data_cert',
    'target_data_private_key',
  ]);
  for (const field of ['ca_cert', 'cert', 'target_mgmt_cert', 'target_data_cert']) {
    t.equal(copy[field], reply[field], `${field} copied unchanged`);
  }
  for (const field of KEY_FIELDS) {
    t.match(copy[field], /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    t.match(marker.fingerprints[field], /^sha256:[0-9a-f]{64}$/, `${field} fingerprinted`);
  }
  t.same(readRedactedMarker(copy, 'copy'), marker, 'the marker reads back');
  t.equal(marker.omitted, undefined);
  t.equal(marker.removed, undefined);
});

t.test('the copy parses as redacted: the pair suite matches by public key', async (t) => {
  const reply = await generateBundle({ defect: 'crossed-target-keys' });
  const raw = toRawBundle(JSON.parse(redactBundle(toRawBundle(reply, 'r')).text), 'copy');
  t.equal(raw.redacted, true, 'intake sees the marker');

  const { bundle, checks } = parseBundle(raw);
  t.equal(Object.keys(bundle.keys).length, 0, 'no private keys');
  t.equal(Object.keys(bundle.publicKeys).length, 3, 'three public keys');
  for (const check of checks.filter((each) => each.subject.endsWith('private_key'))) {
    t.equal(check.status, 'warn', `${check.subject}: a public key is a warning`);
  }
  const pair = await pairSuite.run({
    bundle,
    options: { at: new Date(), minDays: 30, handshakeTimeoutMs: 10_000 },
    earlier: checks,
  });
  t.same(
    pair.map((check) => check.status),
    ['pass', 'fail', 'fail'],
    'the swapped target keys still fail to pair',
  );
  t.match(pair[1]?.message, /the keys are swapped/);
});

t.test('without the marker, a public key in a key field fails the parse suite', async (t) => {
  const reply = await generateBundle();
  const copy = JSON.parse(redactBundle(toRawBundle(reply, 'r')).text) as Record<string, unknown>;
  delete copy.certkey_redacted;

  const { bundle, checks } = parseBundle(toRawBundle(copy, 'unmarked.json'));
  t.equal(Object.keys(bundle.publicKeys).length, 0, 'no public key taken');
  for (const field of KEY_FIELDS) {
    const check = checks.find((each) => each.subject === field);
    t.equal(check?.status, 'fail', `${field} fails`);
    t.match(check?.message, /holds a public key where the private key of .* belongs/);
    t.match(check?.remedy, /certkey export --redacted/);
  }
});

t.test('a marker of another version or shape is refused, naming the file', async (t) => {
  for (const marker of [{ version: 2 }, 'yes', null, { fingerprints: {} }]) {
    t.throws(
      () => toRawBundle({ certkey_redacted: marker }, 'odd.json'),
      { code: 'E_INPUT_SHAPE', message: /^odd\.json: the certkey_redacted marker/ },
      JSON.stringify(marker),
    );
  }
  t.equal(readRedactedMarker({ cert: 'x' }, 'plain.json'), undefined);
});

t.test('unreadable keys are left out and named; private keys in cert fields cut', async (t) => {
  const encrypted = await generateBundle({ defect: 'encrypted-key' });
  const one = redactBundle(toRawBundle(encrypted, 'r'));
  assertClean(t, one.text, encrypted);
  t.notOk('target_mgmt_private_key' in JSON.parse(one.text), 'the encrypted key is left out');
  t.match(one.marker.omitted?.target_mgmt_private_key, /encrypted private key/);
  t.equal(Object.keys(one.marker.fingerprints).length, 2);

  const keyInCert = await generateBundle({ defect: 'key-in-cert-field' });
  const two = redactBundle(toRawBundle(keyInCert, 'r'));
  assertClean(t, two.text, keyInCert);
  t.match(two.marker.removed?.target_data_cert, /private key block\(s\) removed/);

  const certInKey = await generateBundle({ defect: 'cert-in-key-field' });
  const three = redactBundle(toRawBundle(certInKey, 'r'));
  t.equal(JSON.parse(three.text).cert, certInKey.cert, 'the certificate is kept');
  t.match(three.marker.omitted?.private_key, /holds a certificate where a private key belongs/);

  const wrong = redactBundle(toRawBundle({ ...certInKey, private_key: 42, cert: {} }, 'r'));
  t.match(wrong.marker.omitted?.private_key, /a number, not a PEM string/);
  t.match(wrong.marker.removed?.cert, /an? object, not a PEM string/);
});

t.test(
  'a key under another label in a cert field is refused as input, naming the field',
  async (t) => {
    const reply = await generateBundle();
    const relabel = (pem: string, label: string) =>
      pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, `-----$1 ${label}-----`);
    const cases: [string, string, string][] = [
      ['cert', 'private_key', 'RSA PRIVATE  KEY'],
      ['cert', 'private_key', 'CERTIFICATE'],
      ['ca_cert', 'target_data_private_key', 'CERTIFICATE'],
    ];
    for (const [field, keyField, label] of cases) {
      const name = `${keyField} as ${label} in ${field}`;
      const key = reply[keyField] as string;
      const spoiled = { ...reply, [field]: `${reply[field]}${relabel(key, label)}` };
      let error: unknown;
      try {
        redactBundle(toRawBundle(spoiled, 'spoiled.json'));
      } catch (caught) {
        error = caught;
      }
      t.match(
        error,
        {
          code: 'E_INPUT_SHAPE',
          exitCode: 2,
          message:
            `spoiled.json: ${field} holds private key material outside any block labelled as a ` +
            'private key, so it cannot be cut out; the redacted copy was not written',
          remedy:
            `remove the private key material from ${field} (keep only its certificates), ` +
            'then export again',
        },
        `${name}: refused as input`,
      );
      const said = error instanceof CertkeyError ? `${error.message} ${error.remedy}` : '';
      t.notOk(
        secretLines(key).some((line) => said.includes(line)),
        `${name}: no key material in the error`,
      );
    }
  },
);

t.test('a private key of another pair in a cert field is found and refused', async (t) => {
  const reply = await generateBundle();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const der = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'sec1') =>
    key.export({ format: 'der', type });
  const asCertificate = (body: Buffer) =>
    `-----BEGIN CERTIFICATE-----\n${body.toString('base64')}\n-----END CERTIFICATE-----\n`;
  const cases: [string, string][] = [
    ['a PKCS#8 RSA key labelled CERTIFICATE', asCertificate(der(rsa, 'pkcs8'))],
    ['a PKCS#1 RSA key labelled CERTIFICATE', asCertificate(der(rsa, 'pkcs1'))],
    ['a SEC1 EC key labelled CERTIFICATE', asCertificate(der(ec, 'sec1'))],
  ];
  for (const [name, block] of cases) {
    const spoiled = { ...reply, target_mgmt_cert: `${reply.target_mgmt_cert}${block}` };
    const error = refusal(() => redactBundle(toRawBundle(spoiled, 'spoiled.json')));
    t.match(
      error,
      { code: 'E_INPUT_SHAPE', message: /^spoiled\.json: target_mgmt_cert holds private key/ },
      `${name}: refused, naming the field`,
    );
  }

  const bare = { ...reply, cert: der(ec, 'pkcs8').toString('base64') };
  t.match(
    refusal(() => redactBundle(toRawBundle(bare, 'bare.json'))),
    { code: 'E_INPUT_SHAPE', message: /^bare\.json: cert holds private key/ },
    'bare base64 of a key in a cert field: refused',
  );

  const body =
    der(rsa, 'pkcs1')
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  const after = { ...reply, cert: `${reply.cert}\n${body}\n` };
  t.match(
    refusal(() => redactBundle(toRawBundle(after, 'after.json'))),
    { code: 'E_INPUT_SHAPE', message: /^after\.json: cert holds private key/ },
    "another pair's key as bare base64 lines after the certificate: refused",
  );

  const healthy = redactBundle(toRawBundle(reply, 'healthy.json'));
  t.ok(healthy.text.includes('BEGIN CERTIFICATE'), 'certificates alone are copied');
});

/** The error a call throws, or undefined. */
function refusal(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

t.test('the final scan refuses a copy holding a line of a key', async (t) => {
  const reply = await generateBundle();
  const key = reply.private_key as string;
  const lines = secretLines(key);
  const line = lines[Math.floor(lines.length / 2)] as string;
  t.ok(line, 'a key line to plant, from the private values in the middle of the key');
  t.throws(() => assertNoSecrets(`{"cert": "${line}"}`, [key]), { code: 'E_INTERNAL' });
  t.throws(() => assertNoSecrets('{"x": "-----BEGIN PRIVATE KEY-----"}', []), {
    code: 'E_INTERNAL',
  });
  const garbage = `${line}\n${line.split('').reverse().join('')}`;
  t.throws(() => assertNoSecrets(`{"cert": "${line}"}`, [garbage]), { code: 'E_INTERNAL' });
  t.doesNotThrow(() => assertNoSecrets(`{"cert": "${line}"}`, [garbage], new Set([line])));
});

t.test('the final scan finds a private value at any alignment, in hex and in DER', async (t) => {
  const reply = await generateBundle({ defect: 'ec-sec1-keys' });
  const key = reply.private_key as string;
  const d = Buffer.from(createPrivateKey(key).export({ format: 'jwk' }).d as string, 'base64url');
  for (const shift of [0, 1, 2]) {
    const planted = Buffer.concat([Buffer.alloc(shift, 7), d]).toString('base64');
    t.throws(() => assertNoSecrets(`{"x": "${planted}"}`, [key]), { code: 'E_INTERNAL' });
  }
  t.throws(() => assertNoSecrets(`{"x": "${d.toString('hex')}"}`, [key]), {
    code: 'E_INTERNAL',
  });
  const der = Buffer.concat([Buffer.from([4, 32]), d]).toString('base64');
  const block = `-----BEGIN CERTIFICATE-----\\n${der}\\n-----END CERTIFICATE-----`;
  t.throws(() => assertNoSecrets(`{"x": "${block}"}`, [key]), { code: 'E_INTERNAL' });

  const half = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  t.doesNotThrow(
    () => assertNoSecrets(JSON.stringify({ key: half, cert: reply.cert }), [key]),
    'the public key and the certificate are not secrets',
  );
});

t.test('every key form redacts: EC SEC1 and PKCS#8, Ed25519, RSA, not-pem', async (t) => {
  const defects = ['ec-sec1-keys', 'ec-pkcs8-keys', 'ed25519-keys', 'pkcs8-keys', 'not-pem'];
  for (const defect of defects) {
    for (let round = 0; round < 3; round += 1) {
      const reply = await generateBundle({ defect });
      const { text, marker } = redactBundle(toRawBundle(reply, 'r'));
      t.notMatch(text, /PRIVATE KEY/, `${defect}: no PRIVATE KEY label`);
      t.equal(Object.keys(marker.fingerprints).length, 3, `${defect}: three public keys`);

      const copy = JSON.parse(text) as Record<string, unknown>;
      for (const [field, value] of Object.entries(reply)) {
        const half = field.endsWith('private_key')
          ? createPublicKey(value).export({ type: 'spki', format: 'pem' }).toString()
          : value;
        t.equal(copy[field], half, `${defect}: ${field} holds only public material`);
      }
    }
  }
});
