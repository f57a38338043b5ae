/**
 * What a preflight produced, as the reports see it: one entry per task (a single bundle is
 * one task), each with its checks or the error that stopped it.
 */
import type { ErrorCode } from '../errors.js';
import type { Check, Status } from '../model.js';

/** An error that kept a task from being checked, such as a failed fetch. */
export interface TaskError {
  code: ErrorCode;
  message: string;
  remedy: string;
}

/** One task's outcome. */
export interface TaskResult {
  /** The task id, or for a bundle file its path. */
  task: string;
  /** Where the bundle came from: a file path, `stdin`, or the URL without its query. */
  origin: string;
  /** The checks run; empty when `error` is set. */
  checks: Check[];
  /** Set when the task could not be checked at all. */
  error?: TaskError;
  /** Notes about the task itself, such as the CA arriving as `ca_cert`. */
  notes?: string[];
}

/** The whole run: what the reports are written from. */
export interface PreflightRun {
  tool: { name: 'certkey'; version: string };
  startedAt: string;
  finishedAt: string;
  /** The judging moment (`--at`, or the start time) and the thresholds. */
  options: { at: string; minDays: number; strict: boolean };
  environment: { node: string; openssl: string; securityLevel?: number };
  tasks: TaskResult[];
  /** False when the run was interrupted before every task ended. */
  complete: boolean;
}

/**
 * Counts of the checks, plus errors for tasks that could not be checked. A warning under
 * `--strict` is counted once, in `fail` and not in `warn`; the check itself keeps its status
 * `warn`, so the JSON report shows which failures were warnings made failures by --strict.
 */
export interface Summary {
  total: number;
  pass: number;
  fail: number;
  warn: number;
  skip: number;
  errors: number;
  /**
   * `fail` when a check failed (exit 1); else `error` when a task could not be checked or the
   * run was interrupted (exit 3, or 130/143); else `pass`.
   */
  verdict: 'pass' | 'fail' | 'error';
}

/**
 * Whether a check counts as failed in this run: a failure always does, a warning only
 * under `--strict`.
 */
export function isFailure(status: Status, strict: boolean): boolean {
  return status === 'fail' || (strict && status === 'warn');
}

/** The status a check is counted under: a warning under `--strict` is counted as failed. */
function countedStatus(status: Status, strict: boolean): Status {
  return isFailure(status, strict) ? 'fail' : status;
}

/**
 * Counts the statuses over every task. A failed check makes the verdict `fail`, as exit 1
 * outranks exit 3. Without one, a task that could not be checked or an incomplete run
 * (`complete: false`) makes it `error`, never `pass`: what was not checked may hold
 * failures, yet nothing is known to have failed.
 */
export function summarize(run: {
  tasks: readonly TaskResult[];
  options: Pick<PreflightRun['options'], 'strict'>;
  complete?: boolean;
}): Summary {
  const summary: Summary = {
    total: 0,
    pass: 0,
    fail: 0,
    warn: 0,
    skip: 0,
    errors: 0,
    verdict: 'pass',
  };

  for (const task of run.tasks) {
    if (task.error) summary.errors += 1;
    for (const check of task.checks) {
      summary.total += 1;
      summary[countedStatus(check.status, run.options.strict)] += 1;
    }
  }

  const unchecked = summary.errors > 0 || run.complete === false;
  summary.verdict = summary.fail > 0 ? 'fail' : unchecked ? 'error' : 'pass';
  return summary;
}

/** `1 warning`, `2 warnings`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
