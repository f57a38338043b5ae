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
import type { TaskResult } from '../../src/report/types.js';
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
  {
    name: 'an interrupted run with nothing failed',
    run: { ...makeRun([]), complete: false },
    failures: 0,
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
  t.equal(summarize(run).verdict, 'error', 'summarize: error, as nothing failed');
  t.equal(JSON.parse(renderJson(run)).summary.verdict, 'error', 'JSON: error');
  t.match(renderSummary(run), /^certkey: INCOMPLETE: 0 passed, .*\(interrupted: incomplete\)$/m);
  t.notMatch(renderSummary(run), /PASS/);

  const failed = { ...makeRun([MIXED_TASK]), complete: false };
  t.equal(summarize(failed).verdict, 'fail', 'a failed check: fail, interrupted or not');
  t.match(renderSummary(failed), /^certkey: INCOMPLETE: 1 passed, 1 failed/m);

  const done = makeRun([]);
  t.equal(summarize(done).verdict, 'pass', 'a complete run with nothing failed passes');
  t.match(renderSummary(done), /^certkey: PASS: 0 passed/m);
});

t.test('a warning is a failure everywhere under --strict, counted once', async (t) => {
  const warned: TaskResult = {
    task: 'task-warn',
    origin: 'http://127.0.0.1:1/v3/tasks/task-warn/certkey',
    checks: [
      { suite: 'parse', subject: 'cert', status: 'pass', name: 'pem', message: 'one certificate' },
      { suite: 'expiry', subject: 'ca', status: 'warn', name: 'validity', message: '10 days' },
    ],
  };
  const healthy: TaskResult = {
    task: 'task-ok',
    origin: 'http://127.0.0.1:1/v3/tasks/task-ok/certkey',
    checks: [{ suite: 'parse', subject: 'cert', status: 'pass', name: 'pem', message: 'one' }],
  };

  for (const strict of [false, true]) {
    const run = makeRun([healthy, warned], strict);
    const [failed, warnings] = strict ? [1, 0] : [0, 1];
    const word = strict ? 'FAIL' : 'PASS';
    const label = strict ? '--strict' : 'default';

    const summary = renderSummary(run);
    const counts = `${failed} failed, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    t.match(summary, `\ncertkey: ${word}: 2 passed, ${counts}, 0 skipped\n`, `${label}: summary`);
    t.match(summary, `TASK  task-warn: ${word} (${counts})`, `${label}: task line`);
    t.match(summary, `TASK  task-ok: PASS (0 failed, 0 warnings)`, `${label}: healthy task`);
    t.match(summary, `${strict ? 'FAIL' : 'WARN'}  task-warn: expiry/ca: 10 days`);

    const json = JSON.parse(renderJson(run));
    t.same(
      json.summary,
      {
        total: 3,
        pass: 2,
        fail: failed,
        warn: warnings,
        skip: 0,
        errors: 0,
        verdict: word.toLowerCase(),
      },
      `${label}: JSON summary`,
    );
    t.equal(json.tasks[1].checks[1].status, 'warn', `${label}: the check is still a warning`);
    t.equal(json.options.strict, strict, `${label}: JSON records --strict`);

    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      renderJunit(run),
    );
    t.equal(Number(xml.testsuites.failures), failed, `${label}: JUnit failures`);

    const tap = await parseTap(await renderTap(run));
    t.equal(tap.fail, failed, `${label}: TAP failures`);
    t.equal(tap.ok, !strict, `${label}: TAP ok`);
  }

  const single = makeRun([MIXED_TASK], true);
  t.match(JSON.parse(renderJson(single)).summary, { fail: 2, warn: 0 }, 'one bundle: JSON');
  t.match(renderSummary(single), /certkey: FAIL: 1 passed, 2 failed, 0 warnings, 1 skipped/);
});

t.test(
  'tasks not checked and no check failed: ERROR, not FAIL; a failed check: FAIL',
  async (t) => {
    const healthy: TaskResult = {
      task: 'task-ok',
      origin: 'http://127.0.0.1:1/v3/tasks/task-ok/certkey',
      checks: [{ suite: 'parse', subject: 'cert', status: 'pass', name: 'pem', message: 'one' }],
    };
    const cases: Array<[string, TaskResult[], string, RegExp]> = [
      ['one task not fetched', [ERROR_TASK], 'error', /^certkey: ERROR: 0 passed, 0 failed, /m],
      ['a wave with an error row', [healthy, ERROR_TASK], 'error', /^certkey: ERROR: 1 passed/m],
      ['a failure beside an error row', [MIXED_TASK, ERROR_TASK], 'fail', /^certkey: FAIL: 1 pa/m],
    ];
    for (const [name, tasks, verdict, line] of cases) {
      const run = makeRun(tasks);
      t.equal(JSON.parse(renderJson(run)).summary.verdict, verdict, `${name}: JSON ${verdict}`);
      t.match(renderSummary(run), line, `${name}: summary line`);
      t.match(renderSummary(run), /, 1 task not checked\n/, `${name}: the task not checked`);
    }
  },
);

t.test('notes of intake are NOTE lines: once per note in a wave, five at most', async (t) => {
  const ca = 'both ca and ca_cert are present and differ: checked ca, ignored ca_cert';
  const single = renderSummary(makeRun([{ ...MIXED_TASK, notes: [ca] }]));
  t.match(single, new RegExp(`^NOTE  ${ca}$`, 'm'));

  const tasks = ['a', 'b', 'c'].map((task) => ({ ...MIXED_TASK, task, notes: [ca] }));
  const wave = renderSummary(makeRun([...tasks, { ...MIXED_TASK, task: 'd', notes: ['odd'] }]));
  t.match(wave, new RegExp(`^NOTE  ${ca} \\(3 tasks\\)$`, 'm'), 'shared: said once');
  t.match(wave, /^NOTE {2}odd \(d\)$/m, 'one task: named');

  const many = Array.from({ length: 8 }, (_, i) => ({
    ...MIXED_TASK,
    task: `t${i}`,
    notes: [`n${i}`],
  }));
  const capped = renderSummary(makeRun(many));
  t.equal(capped.match(/^NOTE /gm)?.length, 6, 'five notes and one line for the rest');
  t.match(capped, /^NOTE {2}3 more different notes: see preflight\.json$/m);
  t.notMatch(renderSummary(makeRun([MIXED_TASK])), /^NOTE/m, 'no notes: no NOTE line');
});
