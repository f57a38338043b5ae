// Odd certificates from OpenSSL's own tests (/work/shared/corpus/openssl-test-certs, see its
// README): parsing never throws on any of them, and a few verdicts are known.
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../../src/checks/run.js';
import type { Field, LeafField, RawBundle } from '../../src/model.js';
import { parseCertField, parseKeyField } from '../../src/parse/fields.js';
import { options, pick } from '../suites/fixtures.js';

const DIR = '/work/shared/corpus/openssl-test-certs';
const absent = existsSync(DIR)
  ? false
  : `${DIR} is absent: the corpus tests need the shared corpus`;
const read = (file: string) => readFileSync(join(DIR, file), 'utf8');
const STATIC = ['parse', 'pair', 'chain', 'expiry', 'usage', 'strength'] as const;

/** Runs the static suites on a CA file and one leaf file placed in `field`. */
async function judge(ca: string, leaf: string, field: LeafField = 'cert', key?: string) {
  const fields: Partial<Record<Field, string>> = { ca: read(ca), [field]: read(leaf) };
  if (key) fields.private_key = read(key);
  const raw: RawBundle = { fields, wrongType: {}, origin: DIR };
  return (await runChecks(raw, options(), STATIC)).checks;
}

t.test('every file parses without throwing, in any field', { skip: absent }, async (t) => {
  const files = readdirSync(DIR).filter((file) => file.endsWith('.pem'));
  t.ok(files.length >= 18, 'the corpus is there');
  for (const file of files) {
    const raw: RawBundle = {
      fields: { ca: read(file), cert: read(file), private_key: read(file) },
      wrongType: {},
      origin: file,
    };
    t.doesNotThrow(() => parseCertField(raw, 'ca'), `${file} as ca`);
    t.doesNotThrow(() => parseCertField(raw, 'cert'), `${file} as cert`);
    t.doesNotThrow(() => parseKeyField(raw, 'private_key', 'cert'), `${file} as a key`);
    const expected = file.endsWith('-key.pem') || file === 'cert-then-key.pem' ? 'fail' : 'pass';
    t.equal(
      parseCertField(raw, 'ca').check.status,
      expected,
      `${file}: ${expected} as a certificate`,
    );
  }
});

t.test('known verdicts', { skip: absent }, async (t) => {
  const cases: [string, () => Promise<ReturnType<typeof pick>>, string, RegExp][] = [
    [
      'a certificate followed by its key',
      async () => pick(await judge('root-expired.pem', 'cert-then-key.pem'), 'cert', 'pem'),
      'fail',
      /^cert holds a private key beside its certificate$/,
    ],
    [
      'a key where a certificate belongs',
      async () => pick(await judge('AKIDmismatch-key.pem', 'ee_noEKU.pem'), 'ca', 'pem'),
      'fail',
      /^ca holds a private key where a certificate belongs$/,
    ],
    [
      'AKIDmismatch: the key pairs with its certificate',
      async () =>
        pick(
          await judge('root-expired.pem', 'AKIDmismatch-cert.pem', 'cert', 'AKIDmismatch-key.pem'),
          'cert',
          'key-match',
        ),
      'pass',
      /RSA-2048/,
    ],
    [
      'AKIDmismatch: OpenSSL refuses the bogus issuer name and serial in the AKI, so does certkey',
      async () => pick(await judge('root-expired.pem', 'AKIDmismatch-cert.pem'), 'cert', 'key-id'),
      'fail',
      new RegExp(
        "also names the issuing certificate by issuer name and serial number, and 'CN=Root CA' " +
          'is not that certificate',
      ),
    ],
    [
      'ca-name2 does not verify under the Root CA key',
      async () => pick(await judge('root-expired.pem', 'ca-name2.pem'), 'cert', 'signature'),
      'fail',
      /does not verify with the key of 'CN=Root CA'/,
    ],
    [
      'cert-wrong-sig-len verifies, as OpenSSL says',
      async () =>
        pick(await judge('root-expired.pem', 'cert-wrong-sig-len.pem'), 'cert', 'signature'),
      'pass',
      /verifies with the key of 'CN=Root CA'/,
    ],
    [
      'the unsigned CA: its algorithm is a limit, not a defect',
      async () => pick(await judge('ca-cert-unsigned.pem', 'ee_noEKU.pem'), 'ca', 'signature-hash'),
      'skip',
      /does not know the signature algorithm 1\.3\.6\.1\.5\.5\.7\.6\.36/,
    ],
    [
      'the unsigned CA still verifies its leaf',
      async () => pick(await judge('ca-cert-unsigned.pem', 'ee_noEKU.pem'), 'cert', 'signature'),
      'pass',
      /'CN=CA'/,
    ],
    [
      'an intermediate alone is no trust anchor',
      async () => pick(await judge('ca-cert-unsigned.pem', 'ee_noEKU.pem'), 'ca', 'anchor'),
      'fail',
      /no trust anchor/,
    ],
    [
      'the root that was never valid',
      async () => pick(await judge('root-expired.pem', 'ee_noEKU.pem'), 'ca', 'validity'),
      'fail',
      /is never valid/,
    ],
    [
      'same name, another key, no key ids',
      async () =>
        pick(await judge('ee-noKID-cert1.pem', 'ee-noKID-cert2.pem'), 'cert', 'signature'),
      'fail',
      /different CA with the same name/,
    ],
    [
      'same name as the CA',
      async () => pick(await judge('ee-noKID-cert1.pem', 'ee-noKID-cert2.pem'), 'cert', 'distinct'),
      'fail',
      /same subject as a CA certificate/,
    ],
    [
      'same name, key ids differ',
      async () => pick(await judge('ee-KID-cert1.pem', 'ee-KID-cert2.pem'), 'cert', 'key-id'),
      'fail',
      new RegExp(
        'authority key identifier bf0b8ffbfe540eaced0e415062de1db8fec24ab3 is not the key ' +
          'identifier 061f5882',
      ),
    ],
    [
      'a CA:FALSE certificate in ca',
      async () => pick(await judge('ee-KID-cert1.pem', 'ee-KID-cert2.pem'), 'ca', 'is-ca'),
      'fail',
      /cA=FALSE/,
    ],
    [
      'the largest path length',
      async () =>
        pick(
          await judge('ca-cert-pathlen-max.pem', 'ee-client-pathlen-max.pem'),
          'ca',
          'path-length',
        ),
      'pass',
      /holds/,
    ],
    [
      'an empty keyUsage',
      async () =>
        pick(
          await judge('ca_anyEKU.pem', 'ee-ku-empty.pem', 'target_mgmt_cert'),
          'target_mgmt_cert',
          'key-usage',
        ),
      'fail',
      /an empty keyUsage without digitalSignature/,
    ],
    [
      'anyExtendedKeyUsage alone',
      async () =>
        pick(
          await judge('ca_anyEKU.pem', 'ee_anyEKU.pem', 'target_mgmt_cert'),
          'target_mgmt_cert',
          'eku',
        ),
      'fail',
      /OpenSSL does not accept anyExtendedKeyUsage/,
    ],
    [
      'no extendedKeyUsage',
      async () =>
        pick(
          await judge('ca_anyEKU.pem', 'ee_noEKU.pem', 'target_mgmt_cert'),
          'target_mgmt_cert',
          'eku',
        ),
      'pass',
      /no extendedKeyUsage/,
    ],
    [
      'an issuer that is not there',
      async () => pick(await judge('root-expired.pem', 'leaf-akid-issuer.pem'), 'cert', 'issuer'),
      'fail',
      /CN=subinterCA' but ca holds only 'CN=Root CA'/,
    ],
  ];
  for (const [name, get, status, message] of cases) {
    const check = await get();
    t.equal(check.status, status, `${name}: ${status}`);
    t.match(check.message, message, `${name}: ${message}`);
  }
});
