/**
 * One task's whole life: read or fetch its bundle, run the suites, and time each stage, so a
 * report shows where a wave's time went.
 */
import { performance } from 'node:perf_hooks';
import { debuglog } from 'node:util';
import { parseBundle } from '../../suites/parse.js';
import { runSuites } from '../checks/run.js';
import { EXIT, toCertkeyError } from '../errors.js';
import { SUITE_NAMES, TARGET_FIELDS } from '../model.js';
import type { Check, CheckOptions, ParsedBundle, RawBundle } from '../model.js';
import type { TaskResult } from '../report/types.js';
import { VERSION } from '../version.js';
import type { ApiAuth } from '../commands/run-options.js';
import type { RetryListener } from '../intake/dispatcher.js';
import { narrateTask, type Say } from './verbose.js';

const debug = debuglog('certkey');

/** Milliseconds spent in each stage of one task. */
export interface TaskTimings {
  /** Reading the file, or the fetch: request, reply and JSON. */
  intakeMs: number;
  /** Parsing and the static suites (pair, chain, expiry, usage, strength). */
  checksMs: number;
  /** The mtls suite: the loopback listeners and every handshake. */
  handshakeMs: number;
}

/** A task's outcome with its timings, which the JSON report carries per task. */
export interface TimedTaskResult extends TaskResult {
  timings: TaskTimings;
}

/** Where one task's bundle comes from. */
export type TaskSource =
  | { kind: 'file'; path: string }
  | ({
      kind: 'api';
      endpoint: string;
      taskId: string;
      timeoutMs: number;
      saveTo?: string;
    } & ApiAuth);

const STATIC = SUITE_NAMES.filter((name) => name !== 'parse' && name !== 'mtls');

/** What checking one bundle gave: its checks, a crash turned into an error, and timings. */
export interface BundleOutcome {
  checks: Check[];
  /** A crash in the checks (a bug): the task reports it and the wave goes on. */
  error?: NonNullable<TaskResult['error']>;
  checksMs: number;
  handshakeMs: number;
}

/** Checks one bundle: in this thread, or in a worker thread of the wave (src/wave/workers.ts). */
export type BundleChecker = (raw: RawBundle, check: CheckOptions) => Promise<BundleOutcome>;

/**
 * Checks one task. A bundle that could not be fetched, and any other failure but a usage
 * error, becomes the task's `error` so a wave goes on with the other tasks; usage errors
 * (a bad endpoint, an unreadable bundle file) are thrown, as they concern the whole run.
 */
export async function checkTask(
  source: TaskSource,
  check: CheckOptions,
  checker: BundleChecker = checkBundle,
  say?: Say,
): Promise<TimedTaskResult> {
  const timings: TaskTimings = { intakeMs: 0, checksMs: 0, handshakeMs: 0 };
  const { task, origin } = namesOf(source);
  const narrator = say && narrateTask(say, task, source);

  narrator?.started();
  const started = performance.now();
  let raw: RawBundle;
  try {
    raw = await readSource(source, narrator?.retry);
  } catch (error) {
    const failure = toCertkeyError(error);
    if (failure.exitCode === EXIT.usage) throw failure;
    timings.intakeMs = elapsed(started);
    narrator?.intake(timings.intakeMs, failure.code);
    const { code, message, remedy } = failure;
    return { task, origin, checks: [], error: { code, message, remedy }, timings };
  }
  timings.intakeMs = elapsed(started);
  narrator?.intake(timings.intakeMs);

  const notes = raw.notes ? { notes: raw.notes } : {};
  const { checks, error, checksMs, handshakeMs } = await checker(raw, check);
  timings.checksMs = checksMs;
  timings.handshakeMs = handshakeMs;
  return { task, origin: raw.origin, checks, ...(error ? { error } : {}), ...notes, timings };
}

/** Parses a bundle and runs every suite, the mtls suite last; a crash becomes `error`. */
export async function checkBundle(raw: RawBundle, check: CheckOptions): Promise<BundleOutcome> {
  debug('checking %s', raw.origin);
  const outcome: BundleOutcome = { checks: [], checksMs: 0, handshakeMs: 0 };
  const checks = outcome.checks;
  try {
    let started = performance.now();
    const parsed = parseBundle(raw);
    checks.push(...parsed.checks);
    checks.push(...(await runSuites(parsed.bundle, check, STATIC, checks)));
    outcome.checksMs = elapsed(started);

    started = performance.now();
    checks.push(...(await handshakes(parsed.bundle, check, checks)));
    outcome.handshakeMs = elapsed(started);
  } catch (error) {
    // A crash in one task's checks is a bug; the wave reports it and goes on.
    const { code, message, remedy } = toCertkeyError(error);
    outcome.error = { code, message, remedy };
  }
  return outcome;
}

/**
 * The mtls suite, its two target listeners at the same time: each runs on a view of the
 * bundle scoped to the source and that target, and the checks come back in target order, as
 * the suite alone would give them. Handshakes wait on loopback round trips, so two at once
 * finish sooner even on one core.
 */
async function handshakes(
  bundle: ParsedBundle,
  check: CheckOptions,
  earlier: readonly Check[],
): Promise<Check[]> {
  if (bundle.scope !== undefined) return runSuites(bundle, check, ['mtls'], earlier);

  const views = TARGET_FIELDS.map((target) => ({ ...bundle, scope: ['cert', target] as const }));
  const results = await Promise.all(views.map((view) => runSuites(view, check, ['mtls'], earlier)));
  // Without the mtls module each view skips the source too: keep one of each check.
  const seen = new Set<string>();
  return results.flat().filter((c) => {
    const key = `${c.subject} ${c.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What reports call a task, and where its bundle comes from: task id and endpoint, or file. */
export function namesOf(source: TaskSource): { task: string; origin: string } {
  const task = source.kind === 'api' ? source.taskId : source.path === '-' ? 'stdin' : source.path;
  return { task, origin: source.kind === 'api' ? source.endpoint : task };
}

/**
 * The raw bundle, from the file or the API (saved with `saveTo` when asked); `onRetry` is told
 * of each failed attempt of a fetch that is retried.
 */
export async function readSource(source: TaskSource, onRetry?: RetryListener): Promise<RawBundle> {
  if (source.kind === 'file') {
    const { loadBundle } = await import('../intake/load.js');
    return loadBundle(source.path);
  }

  const { fetchBundle } = await import('../intake/fetch.js');
  const fetched = await fetchBundle({
    endpoint: source.endpoint,
    taskId: source.taskId,
    ...('credentials' in source ? { credentials: source.credentials } : { token: source.token }),
    timeoutMs: source.timeoutMs,
    ...(source.network ? { network: source.network } : {}),
    userAgent: `certkey/${VERSION}`,
    ...(onRetry ? { onRetry } : {}),
  });
  if (source.saveTo) {
    const { saveReply } = await import('../intake/save.js');
    await saveReply(source.saveTo, fetched.raw);
  }
  return fetched.raw;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
