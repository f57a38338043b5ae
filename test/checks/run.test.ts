import t from 'tap';
import { keyToPem } from '../../src/gen/pki.js';
import { runChecks } from '../../src/checks/run.js';
import { checkView, fieldForRole, viewFromPems } from '../../src/checks/view.js';
import { SUITE_NAMES } from '../../src/model.js';
import { leaf, options, pki, rawOf, root } from '../suites/fixtures.js';

const parts = await pki();
const STATIC = ['parse', 'pair', 'chain', 'expiry', 'usage', 'strength'] as const;

function suitesIn(checks: { suite: string }[]): string[] {
  return checks.map((check) => check.suite).filter((suite, i, all) => all.indexOf(suite) === i);
}

t.test('runs the static suites in SUITE_NAMES order over a healthy bundle', async (t) => {
  const { checks, bundle } = await runChecks(rawOf(parts), options(), STATIC);
  t.same(suitesIn(checks), STATIC);
  t.same(
    checks.filter((check) => check.status !== 'pass'),
    [],
  );
  t.equal(bundle.ca.length, 1);
});

t.test('only the suites asked for run; parse always reports', async (t) => {
  const { checks } = await runChecks(rawOf(parts), options(), ['chain', 'usage']);
  t.same(suitesIn(checks), ['parse', 'chain', 'usage']);
});

t.test('a field that fails to parse is named by the skips of every later suite', async (t) => {
  const { checks } = await runChecks(rawOf(parts, { target_data_cert: 'junk' }), options(), STATIC);
  const about = checks.filter((check) => check.subject === 'target_data_cert');
  t.equal(about[0]?.status, 'fail');
  t.ok(about.slice(1).length >= 10);
  t.ok(
    about
      .slice(1)
      .every(
        (check) => check.status === 'skip' && /target_data_cert did not parse/.test(check.message),
      ),
  );
});

t.test('the mtls suite runs last, loaded when needed', { timeout: 240_000 }, async (t) => {
  const { checks } = await runChecks(rawOf(parts), options());
  t.same(
    suitesIn(checks),
    SUITE_NAMES.filter((name) => name !== 'probe'),
  );
  t.ok(checks.filter((check) => check.suite === 'mtls').length > 0);
});

t.test('a view of loose PEM files judges one leaf in its role against a trust store', async (t) => {
  const server = parts.leaves.target_data_cert;
  const inputs = {
    ca: parts.ca[0]!.pem,
    leaf: server.pem,
    key: keyToPem(server.key, 'pkcs8'),
    role: 'server' as const,
    origin: 'files',
  };
  const { checks, bundle } = await checkView(inputs, options());
  t.equal(fieldForRole('server'), 'target_mgmt_cert');
  t.same(bundle.scope, ['target_mgmt_cert']);
  t.same([...new Set(checks.map((check) => check.subject))].sort(), [
    'ca',
    'target_mgmt_cert',
    'target_mgmt_private_key',
  ]);
  t.same(suitesIn(checks), ['parse', 'pair', 'chain', 'expiry', 'usage', 'strength']);
  const notPassing = checks.filter((check) => check.status !== 'pass');
  t.same(notPassing.map((check) => `${check.name}:${check.status}`).sort(), [
    'extra:skip',
    'order:skip',
  ]);
  t.match(notPassing[0]?.message, /given as a trust store/);
});

t.test('a view judges usage by the role given, and needs no key', async (t) => {
  const server = await leaf('target_mgmt_cert', await root());
  const inputs = {
    ca: parts.ca[0]!.pem,
    leaf: server.pem,
    role: 'client' as const,
    origin: 'files',
  };
  const { checks } = await checkView(inputs, options());
  t.notOk(checks.some((check) => check.suite === 'pair'));
  const eku = checks.find((check) => check.suite === 'usage' && check.name === 'eku');
  t.equal(eku?.status, 'fail');
  t.match(
    eku?.message,
    /^cert is the TLS client but its extendedKeyUsage \(serverAuth\) lacks clientAuth/,
  );
  t.equal(viewFromPems({ ...inputs, leaf: 'junk' }).checks[1]?.status, 'fail');
});
