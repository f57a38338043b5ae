import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { Parser } from 'tap-parser';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderSummary } from '../../src/report/summary.js';
import { renderTap } from '../../src/report/tap.js';
import { summarize } from '../../src/report/types.js';
import { HAVE_SHARED, SHARED } from '../helpers/paths.js';
import { ERROR_TASK, MIXED_TASK, makeRun } from './fixtures.js';

/** Parses TAP with tap-parser and returns its final result and any parse errors. */
function parseTap(text: string) {
  return new Promise<{ ok: boolean; count: number; fail: number; skip: number; errors: number }>(
    (resolve) => {
      const parser = new Parser((results) =>
        resolve({
          ok: results.ok,
          count: results.count,
          fail: results.fail,
          skip: results.skip,
          errors: results.failures.filter((f) => f.tapError).length,
        }),
      );
      parser.end(text);
    },
  );
}

const cases = [
  { name: 'one task', run: makeRun([MIXED_TASK]), failures: 1, errors: 0 },
  { name: 'one task, strict', run: makeRun([MIXED_TASK], true), failures: 2, errors: 0 },
  {
    name: 'a wave with an error row',
    run: makeRun([MIXED_TASK, ERROR_TASK]),
    failures: 1,
    errors: 1,
  },
];

for (const c of cases) {
  t.test(`TAP: ${c.name}`, async (t) => {
    const text = await renderTap(c.run);
    t.match(text, /^TAP version 14\n/);
    t.notMatch(text, /fileName|lineNumber/, 'no call sites of certkey itself');

    const result = await parseTap(text);
    t.equal(result.errors, 0, 'tap-parser reports no TAP errors');
    t.equal(result.ok, false, 'a failing run is not ok');
  });

  t.test(`JUnit: ${c.name}`, async (t) => {
    const xml = renderJunit(c.run);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suites = [doc.testsuites.testsuite].flat();

    let tests = 0;
    let failures = 0;
    let errors = 0;
    for (const suite of suites) {
      const cases = [suite.testcase].flat();
      t.equal(Number(suite.tests), cases.length, `${suite.name}: tests matches testcases`);
      t.equal(Number(suite.failures), cases.filter((x) => x.failure).length, `${suite.name}`);
      t.equal(Number(suite.skipped), cases.filter((x) => x.skipped !== undefined).length);
      tests += cases.length;
      failures += Number(suite.failures);
      errors += Number(suite.errors);
    }
    t.equal(Number(doc.testsuites.tests), tests, 'root tests is the sum');
    t.equal(failures, c.failures, 'failures as expected');
    t.equal(errors, c.errors, 'errors as expected');
    t.notMatch(xml, /\u0001/, 'no control characters');
  });
}

t.test(
  'JUnit validates against the xUnit schema',
  { skip: !HAVE_SHARED && 'no ../shared here' },
  async (t) => {
    const schema = await readFile(join(SHARED, 'reference', 'junit-10.xsd'), 'utf8');
    for (const c of cases) {
      const result = await validateXML({
        xml: [{ fileName: 'preflight.junit.xml', contents: renderJunit(c.run) }],
        schema: [{ fileName: 'junit-10.xsd', contents: schema }],
      });
      t.same(result.errors, [], `${c.name}: no schema errors`);
      t.equal(result.valid, true, `${c.name}: valid`);
    }
  },
);

t.test('JSON has the checks, a summary and the environment', async (t) => {
  const doc = JSON.parse(renderJson(makeRun([MIXED_TASK])));
  t.equal(doc.checks.length, 4);
  t.same(doc.summary, { total: 4, pass: 1, fail: 1, warn: 1, skip: 1, errors: 0, verdict: 'fail' });
  t.equal(doc.environment.openssl, process.versions.openssl);
  t.equal(doc.tool.name, 'certkey');
});

t.test('summary names failures, warnings and remedies', async (t) => {
  const text = renderSummary(makeRun([MIXED_TASK]), 'reports');
  t.match(text, /FAIL\s+pair\/target_mgmt_cert: RSA-2048/);
  t.match(text, /WARN\s+expiry\/ca: ends 2027-01-01/);
  t.match(text, /remedy: ask SMS/);
  t.match(text, /certkey: FAIL: 1 passed, 1 failed, 1 warning, 1 skipped/);

  const wave = renderSummary(makeRun([MIXED_TASK, ERROR_TASK]));
  t.match(wave, /ERROR task-2: E_FETCH_HTTP/);
  t.match(wave, /TASK\s+task-1: FAIL/);
});

t.test('an incomplete run never passes, even with nothing failed', async (t) => {
  const run = { ...makeRun([]), complete: false };
  t.equal(summarize(run).verdict, 'fail', 'summarize: fail');
  t.equal(JSON.parse(renderJson(run)).summary.verdict, 'fail', 'JSON: fail');
  t.match(renderSummary(run), /^certkey: INCOMPLETE: 0 passed, .*\(interrupted: incomplete\)$/m);
  t.notMatch(renderSummary(run), /PASS/);

  const done = makeRun([]);
  t.equal(summarize(done).verdict, 'pass', 'a complete run with nothing failed passes');
  t.match(renderSummary(done), /^certkey: PASS: 0 passed/m);
});
