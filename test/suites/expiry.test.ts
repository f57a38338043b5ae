import t from 'tap';
import { certFrame } from '../../src/parse/algorithms.js';
import { expirySuite } from '../../suites/expiry.js';
import { caCert, days, leaf, options, parsed, pick, pki, root, runSuite } from './fixtures.js';

const sms = await root();
const now = Date.now();

t.test(
  'judges each leaf and the CA at the moment asked for, days left in every message',
  async (t) => {
    const cases: [string, Parameters<typeof leaf>[2], object, string, RegExp[]][] = [
      ['valid for a year', {}, {}, 'pass', [/^cert has 36[45] day\(s\) left at /]],
      [
        'expired',
        { notBefore: days(-100, now), notAfter: days(-3, now) },
        {},
        'fail',
        [
          new RegExp(
            '^cert expired on \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, ' +
              '[34] day\\(s\\) before the ' +
              'judging moment',
          ),
          /\(days left: -[34]\)$/,
        ],
      ],
      [
        'not yet valid',
        { notBefore: days(5, now), notAfter: days(100, now) },
        {},
        'fail',
        [
          /^cert is not yet valid at .*: it starts in [56] day\(s\)/,
          /days left until notAfter: (99|100)$/,
        ],
      ],
      [
        'ending within min-days',
        { notAfter: days(10.5, now) },
        {},
        'warn',
        [/^cert has 10 day\(s\) left at .* fewer than the 30 asked for$/],
      ],
      [
        'ending within a larger min-days',
        {},
        { minDays: 400 },
        'warn',
        [/fewer than the 400 asked for/],
      ],
      [
        'expired at a planned cutover',
        { notAfter: days(20, now) },
        { at: days(50, now) },
        'fail',
        [/^cert expired on .* 30 day\(s\) before the judging moment/, /days left: -30/],
      ],
      [
        'never valid',
        { notBefore: days(1, now), notAfter: days(-1, now) },
        {},
        'fail',
        [/^cert is never valid: its notAfter comes before its notBefore/, /days left: -[12]/],
      ],
    ];
    for (const [name, spec, judge, status, words] of cases) {
      const parts = await pki({ leaves: { cert: await leaf('cert', sms, spec) } });
      const check = pick(
        await runSuite(expirySuite, parsed(parts), options({ at: new Date(now), ...judge })),
        'cert',
        'validity',
      );
      t.equal(check.status, status, `${name}: ${status}`);
      t.equal(check.suite, 'expiry');
      for (const word of words) t.match(check.message, word, `${name}: ${word}`);
      t.match(check.message, /day/, `${name}: days shown`);
      if (status !== 'pass') t.ok(check.remedy, `${name}: remedy`);
    }
  },
);

t.test('CA certificates are judged too, each named by position', async (t) => {
  const old = await caCert('CN=Old CA', { notBefore: days(-400, now), notAfter: days(-1, now) });
  const parts = await pki({ ca: [sms, old] });
  const checks = await runSuite(expirySuite, parsed(parts));
  const first = pick(checks, 'ca', 'validity#1');
  t.equal(first.status, 'pass');
  t.match(first.message, /^ca certificate 1 of 2 'CN=SMS Test Root CA' has 36[45] day\(s\) left/);
  const second = pick(checks, 'ca', 'validity#2');
  t.equal(second.status, 'fail');
  t.match(second.message, /^ca certificate 2 of 2 'CN=Old CA' expired on .*\(days left: -[12]\)$/);
  const single = pick(await runSuite(expirySuite, parsed(await pki())), 'ca', 'validity');
  t.match(single.message, /^ca 'CN=SMS Test Root CA' has/);
});

t.test('reads notAfter right on both sides of 2050 (UTCTime and GeneralizedTime)', async (t) => {
  const at = new Date('2049-06-01T00:00:00Z');
  const cases: [string, string, number, number][] = [
    ['UTCTime, 2049', '2049-12-31T23:59:59Z', 0x17, 213],
    ['GeneralizedTime, 2050', '2050-01-01T00:00:00Z', 0x18, 214],
    ['GeneralizedTime, 2051', '2051-06-01T00:00:00Z', 0x18, 730],
  ];
  for (const [name, notAfter, tag, left] of cases) {
    const cert = await leaf('cert', sms, {
      notBefore: new Date('2049-01-01T00:00:00Z'),
      notAfter: new Date(notAfter),
    });
    const bundle = parsed(await pki({ leaves: { cert } }));
    const parsedCert = bundle.leaves.cert!;
    t.equal(certFrame(parsedCert.der)?.notAfterTag, tag, `${name}: encoded as expected`);
    t.equal(
      parsedCert.x509.notAfter.toISOString().slice(0, 19),
      notAfter.slice(0, 19),
      `${name}: read back`,
    );
    const check = pick(await runSuite(expirySuite, bundle, options({ at })), 'cert', 'validity');
    t.equal(check.status, 'pass', `${name}: valid`);
    t.match(check.message, `has ${left} day(s) left`, `${name}: days left`);
  }
});

t.test('skips, naming the field, when it did not parse', async (t) => {
  const checks = await runSuite(expirySuite, parsed(await pki(), { ca: undefined, cert: 'x' }));
  t.equal(
    pick(checks, 'ca', 'validity').message,
    'skipped: ca did not parse (see the parse suite)',
  );
  t.equal(pick(checks, 'cert', 'validity').status, 'skip');
  t.equal(pick(checks, 'target_mgmt_cert', 'validity').status, 'pass');
});
