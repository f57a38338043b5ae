// The x509-limbo path-validation cases (/work/shared/corpus/x509-limbo, see its README) run
// through the chain suite: the case's untrusted intermediates and trusted certificates form
// the CA list (a trust store), its peer certificate is the leaf, judged as a TLS server at
// the case's validation time. Where the chain suite judges the aspect a case is about, its
// verdict must agree: SUCCESS means no failing chain check; FAILURE means a failing one, or,
// for the strict-profile cases below, at least a warning.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { viewFromPems } from '../../src/checks/view.js';
import type { Check } from '../../src/model.js';
import { chainSuite } from '../../suites/chain.js';
import { options } from './fixtures.js';

const FILE = '/work/shared/corpus/x509-limbo/limbo.json';
const absent = existsSync(FILE)
  ? false
  : `${FILE} is absent: the corpus tests need the shared corpus`;

interface LimboCase {
  id: string;
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_result: 'SUCCESS' | 'FAILURE';
}

/** Cases the chain suite does not judge, by id, and why. */
const NOT_JUDGED: Readonly<Record<string, string>> = {
  'pathlen::max-chain-depth-0': 'a maximum chain depth: SMS peers set none (OpenSSL allows 100)',
  'pathlen::max-chain-depth-0-exhausted':
    'a maximum chain depth: SMS peers set none (OpenSSL allows 100)',
  'pathlen::max-chain-depth-1': 'a maximum chain depth: SMS peers set none (OpenSSL allows 100)',
  'pathlen::max-chain-depth-1-exhausted':
    'a maximum chain depth: SMS peers set none (OpenSSL allows 100)',
  'pathlen::max-chain-depth-1-self-issued':
    'a maximum chain depth: SMS peers set none (OpenSSL allows 100)',
  'rfc5280::chain-untrusted-root':
    'trusted versus untrusted: the CA field has no such split; a self-signed root in it is an ' +
    'anchor',
  'rfc5280::leaf-ku-keycertsign':
    'key usage and purpose: judged by the usage suite, not the chain suite',
  'rfc5280::ca-nameconstraints-permitted-dns-mismatch':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-dns-match':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-dns-match':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-dns-match-more':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-dns-match-second':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-ip-mismatch':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-ip-match':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-ip-match':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-dn-mismatch':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-dn-match':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-dn-match':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-dn-match-subject-san-mismatch':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-dn-match-sub-mismatch':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-self-issued':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-self-issued-leaf':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-match-permitted-and-excluded':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-permitted-different-constraint-type':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-excluded-different-constraint-type':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-invalid-dnsname':
    'name constraints: certkey does not check peer names',
  'rfc5280::ca-nameconstraints-invalid-ipaddress':
    'name constraints: certkey does not check peer names',
  'rfc5280::san-noncritical-with-empty-subject':
    'host names (subjectAltName): certkey does not check peer names',
  'rfc5280::serial-number-too-long':
    'serial number rules: OpenSSL accepts them; certkey does not judge serials',
  'rfc5280::serial-number-zero':
    'serial number rules: OpenSSL accepts them; certkey does not judge serials',
  'rfc5280::wrong-eku': 'key usage and purpose: judged by the usage suite, not the chain suite',
  'webpki::aki::root-with-aki-missing-keyidentifier':
    "Web PKI profile of a root's AKI: OpenSSL accepts it; certkey judges what OpenSSL refuses",
  'webpki::exact-san': 'host names (subjectAltName): certkey does not check peer names',
  'webpki::mismatch-domain-san': 'host names (subjectAltName): certkey does not check peer names',
  'webpki::mismatch-subdomain-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::mismatch-subdomain-apex-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::mismatch-apex-subdomain-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::public-suffix-wildcard-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::leftmost-wildcard-san': 'host names (subjectAltName): certkey does not check peer names',
  'webpki::wildcard-embedded-leftmost-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::wildcard-not-in-leftmost-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::wildcard-match-across-labels-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::wildcard-embedded-ulabel-san':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::unicode-emoji-san': 'host names (subjectAltName): certkey does not check peer names',
  'webpki::root-with-extkeyusage':
    'key usage and purpose: judged by the usage suite, not the chain suite',
  'webpki::san-critical-with-nonempty-subject':
    'host names (subjectAltName): certkey does not check peer names',
  'webpki::forbidden-p192-spki-leaf':
    'algorithms and key sizes: judged by the strength suite, not the chain suite',
  'webpki::forbidden-dsa-spki-leaf':
    'algorithms and key sizes: judged by the strength suite, not the chain suite',
  'webpki::forbidden-signature-algorithm-in-root':
    'algorithms and key sizes: judged by the strength suite, not the chain suite',
  'webpki::forbidden-signature-algorithm-in-leaf':
    'algorithms and key sizes: judged by the strength suite, not the chain suite',
  'webpki::no-san': 'host names (subjectAltName): certkey does not check peer names',
  'webpki::v1-cert':
    'certificate version: OpenSSL accepts v1 leaves; certkey does not judge the version',
  'webpki::eku-contains-anyeku':
    'key usage and purpose: judged by the usage suite, not the chain suite',
  'webpki::ee-basicconstraints-ca':
    'key usage and purpose: judged by the usage suite, not the chain suite',
};

/** Cases failing only under a strict profile (OpenSSL's -x509_strict): a warning agrees. */
const STRICT = new Set([
  'rfc5280::intermediate-missing-aki',
  'rfc5280::leaf-missing-aki',
  'rfc5280::missing-ski',
  'rfc5280::root-non-critical-basic-constraints',
  'webpki::malformed-aia',
]);

async function verdict(testcase: LimboCase): Promise<{ status: string; checks: Check[] }> {
  const ca = [...testcase.untrusted_intermediates, ...testcase.trusted_certs].join('\n');
  const inputs = {
    ca,
    leaf: testcase.peer_certificate,
    role: 'server' as const,
    origin: testcase.id,
  };
  const { bundle, checks: parsed } = viewFromPems(inputs);
  const unreadable = parsed.find((check) => check.status !== 'pass');
  if (unreadable) return { status: 'fail', checks: [unreadable] };

  const at = testcase.validation_time ? new Date(testcase.validation_time) : new Date();
  const checks = await chainSuite.run({ bundle, options: options({ at }), earlier: parsed });
  const statuses = checks.map((check) => check.status);
  const status = statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
  return { status, checks };
}

t.test('x509-limbo: the chain suite agrees where it judges', { skip: absent }, async (t) => {
  const cases = (JSON.parse(readFileSync(FILE, 'utf8')) as { testcases: LimboCase[] }).testcases;
  const ids = new Set(cases.map((testcase) => testcase.id));
  for (const id of [...Object.keys(NOT_JUDGED), ...STRICT]) t.ok(ids.has(id), `${id} is a case`);

  let judged = 0;
  for (const testcase of cases) {
    const reason = NOT_JUDGED[testcase.id];
    if (reason) {
      t.doesNotThrow(
        () =>
          viewFromPems({
            ca: testcase.trusted_certs.join('\n'),
            leaf: testcase.peer_certificate,
            role: 'server',
            origin: testcase.id,
          }),
        `${testcase.id}: parses (not judged: ${reason})`,
      );
      continue;
    }

    judged += 1;
    const { status, checks } = await verdict(testcase);
    const why = checks
      .filter((check) => check.status !== 'pass')
      .map((check) => `${check.name}: ${check.message}`);
    if (testcase.expected_result === 'SUCCESS') {
      t.not(status, 'fail', `${testcase.id}: SUCCESS`, { why });
    } else if (STRICT.has(testcase.id)) {
      t.not(
        status,
        'pass',
        `${testcase.id}: FAILURE under a strict profile, so at least a warning`,
        { why },
      );
    } else {
      t.equal(status, 'fail', `${testcase.id}: FAILURE`, { why });
    }
  }
  t.equal(judged + Object.keys(NOT_JUDGED).length, cases.length);
  t.ok(judged >= 50, `${judged} cases judged`);
});
