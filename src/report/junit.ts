/**
 * The JUnit XML report, in the form Jenkins' xUnit plugin validates (junit-10.xsd): one
 * testsuite per suite (per task and suite in a wave), one testcase per check.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { SUITE_NAMES } from '../model.js';
import type { Check } from '../model.js';
import type { PreflightRun, TaskResult } from './types.js';
import { isFailure } from './types.js';

type XmlNode = Record<string, unknown>;

/** Characters XML 1.0 forbids, even escaped. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Makes text safe for an XML attribute or text node (the builder escapes the rest). */
function xmlText(text: string): string {
  return text.replace(XML_FORBIDDEN, '?');
}

/** One testcase for one check. */
function testcase(check: Check, classname: string, strict: boolean): XmlNode {
  const node: XmlNode = {
    '@_name': xmlText(`${check.subject}: ${check.name}`),
    '@_classname': classname,
    '@_time': '0',
  };
  const body = [check.message, check.remedy && `remedy: ${check.remedy}`, check.note]
    .filter(Boolean)
    .join('\n');

  if (check.status === 'skip') {
    node.skipped = { '@_message': xmlText(check.message) };
  } else if (isFailure(check.status, strict)) {
    node.failure = {
      '@_message': xmlText(check.message),
      '@_type': check.status,
      '#text': xmlText(body),
    };
  } else if (check.status === 'warn' || check.note) {
    node['system-out'] = xmlText(`${check.status.toUpperCase()}: ${body}`);
  }
  return node;
}

/** One testsuite: its counts always agree with its testcases. */
function testsuite(name: string, cases: XmlNode[], timestamp: string): XmlNode {
  const count = (key: string) => cases.filter((c) => key in c).length;
  return {
    '@_name': xmlText(name),
    '@_tests': String(cases.length),
    '@_failures': String(count('failure')),
    '@_errors': String(count('error')),
    '@_skipped': String(count('skipped')),
    '@_time': '0',
    '@_timestamp': timestamp,
    testcase: cases,
  };
}

/** The testsuites of one task; `prefix` names the task in a wave. */
function taskSuites(task: TaskResult, prefix: string, run: PreflightRun): XmlNode[] {
  const suites: XmlNode[] = [];
  const timestamp = run.startedAt.replace(/\.\d+Z$/, '');

  if (task.error) {
    const error = {
      '@_name': xmlText(`${task.task}: fetch`),
      '@_classname': 'certkey.intake',
      '@_time': '0',
      error: {
        '@_message': xmlText(task.error.message),
        '@_type': task.error.code,
        '#text': xmlText(`${task.error.message}\nremedy: ${task.error.remedy}`),
      },
    };
    suites.push(testsuite(`${prefix}intake`, [error], timestamp));
  }

  for (const suite of SUITE_NAMES) {
    const checks = task.checks.filter((check) => check.suite === suite);
    if (checks.length === 0) continue;

    const classname = `certkey.${suite}`;
    const cases = checks.map((check) => testcase(check, classname, run.options.strict));
    suites.push(testsuite(`${prefix}${suite}`, cases, timestamp));
  }
  return suites;
}

/**
 * The testsuite of an interrupted run: one testcase in error, so that a JUnit reader does not
 * count a run that stopped before every task ended as a pass.
 */
function interrupted(run: PreflightRun): XmlNode {
  const message = 'the run was interrupted before every task ended';
  const testcase = {
    '@_name': 'run: complete',
    '@_classname': 'certkey.run',
    '@_time': '0',
    error: {
      '@_message': message,
      '@_type': 'E_INTERRUPTED',
      '#text': `${message}\nremedy: run the preflight again and let it finish`,
    },
  };
  return testsuite('interrupted', [testcase], run.startedAt.replace(/\.\d+Z$/, ''));
}

/** Renders the run as JUnit XML. */
export function renderJunit(run: PreflightRun): string {
  const wave = run.tasks.length > 1;
  const suites = run.tasks.flatMap((task) => taskSuites(task, wave ? `${task.task}/` : '', run));
  if (!run.complete) suites.push(interrupted(run));
  const total = (key: string) =>
    suites.reduce((sum, suite) => sum + Number(suite[`@_${key}`] ?? 0), 0);
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;

  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': run.complete ? 'certkey preflight' : 'certkey preflight (incomplete)',
      '@_tests': String(total('tests')),
      '@_failures': String(total('failures')),
      '@_errors': String(total('errors')),
      '@_time': Math.max(0, seconds).toFixed(3),
      testsuite: suites,
    },
  };

  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
  });
  return builder.build(document) as string;
}
