/**
 * The TAP report, written with tap's own test machinery (@tapjs/core's Minimal test): one
 * subtest per suite (per task and suite in a wave), one assertion per check.
 */
import { Minimal } from '@tapjs/core';
import type { Check } from '../model.js';
import { SUITE_NAMES } from '../model.js';
import type { PreflightRun, TaskResult } from './types.js';
import { isFailure } from './types.js';

/**
 * Options that keep tap from filling diagnostics with call sites in certkey's own code.
 * A new object each time: tap writes into the options it is given.
 */
function noCallSite(): { at: null } {
  return { at: null };
}

/** Adds one check to a tap test as a pass, failure or skip, with its diagnostics. */
function assertCheck(t: Minimal, check: Check, strict: boolean): void {
  const description = `${check.subject}: ${check.name}: ${check.message}`;
  const diagnostics = {
    ...noCallSite(),
    suite: check.suite,
    subject: check.subject,
    status: check.status,
    ...(check.remedy ? { remedy: check.remedy } : {}),
    ...(check.note ? { note: check.note } : {}),
  };

  if (check.status === 'skip') {
    t.pass(`${check.subject}: ${check.name}`, { skip: check.message });
  } else if (isFailure(check.status, strict)) {
    t.fail(description, diagnostics);
  } else if (check.status === 'warn') {
    t.pass(description, { ...diagnostics, diagnostic: true });
  } else {
    t.pass(description);
  }
}

/** Adds one subtest per suite that has checks, in suite order. */
function addSuites(t: Minimal, task: TaskResult, strict: boolean): void {
  if (task.error) {
    t.fail(`${task.task}: ${task.error.code}: ${task.error.message}`, {
      ...noCallSite(),
      remedy: task.error.remedy,
    });
  }

  for (const suite of SUITE_NAMES) {
    const checks = task.checks.filter((check) => check.suite === suite);
    if (checks.length === 0) continue;

    t.test(suite, noCallSite(), (st: Minimal) => {
      for (const check of checks) assertCheck(st, check, strict);
      st.end();
    });
  }
}

/** Renders the run as TAP version 14 text. */
export async function renderTap(run: PreflightRun): Promise<string> {
  const root = new Minimal({ name: 'certkey preflight' });
  const chunks: string[] = [];
  root.on('data', (chunk: string | Buffer) => chunks.push(chunk.toString()));
  const ended = new Promise<void>((resolve) => root.on('end', () => resolve()));

  const strict = run.options.strict;
  if (run.tasks.length === 1 && run.tasks[0]) {
    addSuites(root, run.tasks[0], strict);
  } else {
    for (const task of run.tasks) {
      root.test(task.task, noCallSite(), (tt: Minimal) => {
        addSuites(tt, task, strict);
        tt.end();
      });
    }
  }
  // A failed point, not a comment: a TAP reader must not count an interrupted run as a pass.
  if (!run.complete) {
    root.fail('incomplete: the run was interrupted before every task ended', noCallSite());
  }

  root.end();
  await ended;
  return chunks.join('');
}
