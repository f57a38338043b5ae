/**
 * `certkey run`: read or fetch one bundle, or a wave of tasks, run every suite, write one
 * report set, and exit with the verdict.
 *
 * Exit codes, first match wins: 130 (SIGINT) or 143 (SIGTERM) when interrupted; 1 when any
 * check failed; 3 when any task could not be fetched or checked and none failed a check;
 * 0 otherwise. A failed check outranks a fetch error because it is a finding about a bundle,
 * while a fetch error only says a bundle was not seen.
 */
import { performance } from 'node:perf_hooks';
import { CertkeyError, EXIT, formatError } from '../errors.js';
import type { PreflightRun } from '../report/types.js';
import { isFailure } from '../report/types.js';
import { VERSION } from '../version.js';
import type { TaskSource } from '../wave/check-task.js';
import {
  INTERRUPT_EXIT,
  exitAfter,
  removeTemporaryReports,
  watchInterrupts,
} from '../wave/interrupt.js';
import { runWave } from '../wave/run-wave.js';
import { readWaveOptions, type WaveOptions } from '../wave/options.js';
import { readTaskList } from '../wave/task-list.js';
import { printTimings } from '../wave/timings.js';
import type { RunOptions } from './run-options.js';
import { readRunOptions } from './run-options.js';

/** Runs `certkey run` and returns the process exit code. */
export async function runCommand(argv: Record<string, unknown>): Promise<number> {
  const wave = readWaveOptions(argv);
  const tasks = await readTaskList(argv);
  if (tasks.ids.length > 0 && argv.bundle !== undefined) {
    throw new CertkeyError(
      'E_USAGE',
      `--bundle and ${argv['tasks-file'] === undefined ? '--task-id' : '--tasks-file'} both given`,
      'give one of them',
    );
  }

  const endpoint = typeof argv.endpoint === 'string' && argv.endpoint !== '';
  if (argv['tasks-file'] !== undefined && argv['task-id'] === undefined && !endpoint) {
    throw new CertkeyError(
      'E_USAGE',
      '--tasks-file needs --endpoint',
      'add --endpoint https://sms.<region>.myhuaweicloud.com',
    );
  }

  if (argv['save-bundle'] !== undefined && (tasks.ids.length > 1 || argv.bundle !== undefined)) {
    throw new CertkeyError(
      'E_USAGE',
      '--save-bundle keeps one fetched reply: it needs a single --task-id',
      'drop --save-bundle, or run once per task to keep each reply',
    );
  }

  const first = tasks.ids[0];
  const options = await readRunOptions({ ...argv, 'task-id': first });
  process.stderr.write(repeatedNote(tasks.repeated));
  return runPreflight(options, { ...wave, taskIds: tasks.ids });
}

/** How many ids a wave names one by one when it says they were given more than once. */
const NAMED_REPEATS = 5;

/**
 * The stderr lines for task ids given more than once: one line each for a few, then one line
 * with how many more, so a list with thousands of repeats does not flood the terminal.
 */
export function repeatedNote(repeated: readonly string[]): string {
  const named = repeated.slice(0, NAMED_REPEATS);
  const lines = named.map((id) => `certkey: task ${id} is given more than once: checked once\n`);
  const more = repeated.length - named.length;
  if (more > 0)
    lines.push(`certkey: ${more} more task ids are given more than once: each checked once\n`);
  return lines.join('');
}

/** The environment the verdicts were reached in. */
async function environment(): Promise<PreflightRun['environment']> {
  const { tlsEnvironment } = await import('../handshake/environment.js');
  const { openssl, securityLevel } = await tlsEnvironment();
  return {
    node: process.versions.node,
    openssl,
    ...(securityLevel === null ? {} : { securityLevel }),
  };
}

/**
 * Starts what the mtls suite awaits first (the security level probe and the foreign client
 * identity, both made once per process) so that their key generation, which runs on
 * libuv's thread pool, overlaps the fetch and the static checks. Failures surface later,
 * where the suite awaits the same promises.
 */
function prewarm(): void {
  const quiet = () => undefined;
  import('../handshake/environment.js').then((m) => m.tlsEnvironment()).catch(quiet);
  import('../handshake/foreign.js').then((m) => m.foreignIdentity()).catch(quiet);
}

/** The sources of the run: the bundle file, or one fetch per task id. */
function sourcesOf(options: RunOptions, taskIds: readonly string[]): TaskSource[] {
  const { source } = options;
  if (source.kind === 'file') return [source];

  const ids = taskIds.length > 0 ? taskIds : [source.taskId];
  return ids.map((taskId) => ({ ...source, taskId, timeoutMs: options.timeoutMs }));
}

/**
 * Runs one preflight (one bundle, or a wave of task ids) with validated options and returns
 * the process exit code. On SIGINT or SIGTERM the reports hold the tasks that ended and say
 * the run is incomplete, every local listener is closed, and the process exits 130 or 143.
 */
export async function runPreflight(
  options: RunOptions,
  wave: Partial<WaveOptions> & { taskIds?: readonly string[] } = {},
): Promise<number> {
  const { prepareReportFolder } = await import('../report/folder.js');
  await prepareReportFolder(options.out);

  const startedAt = new Date().toISOString();
  const started = performance.now();
  const sources = sourcesOf(options, wave.taskIds ?? []);
  const watch = watchInterrupts();
  prewarm();

  let outcome;
  try {
    outcome = await runWave(sources, options.check, {
      concurrency: wave.concurrency ?? readWaveOptions({}).concurrency,
      signal: watch.signal,
      strict: options.strict,
      ...(options.verbose ? { say: sayOnStderr } : {}),
    });
  } catch (error) {
    watch.dispose();
    throw error;
  }
  const interrupted = watch.received();
  if (interrupted) await closeListeners();

  const run: PreflightRun = {
    tool: { name: 'certkey', version: VERSION },
    startedAt,
    finishedAt: new Date().toISOString(),
    options: {
      at: options.check.at.toISOString(),
      minDays: options.check.minDays,
      strict: options.strict,
    },
    environment: await environment(),
    tasks: outcome.results,
    complete: outcome.complete && !interrupted,
  };

  const reportStarted = performance.now();
  await report(run, options);
  if (wave.timings) printTimings(outcome.results, performance.now() - reportStarted, started);

  watch.dispose();
  const signal = watch.received();
  if (signal) return stop(signal, run, sources.length, options.out);
  return exitCode(run);
}

/** A `--verbose` line on stderr. */
function sayOnStderr(line: string): void {
  process.stderr.write(`certkey: ${line}\n`);
}

/** Writes the reports and prints the summary or the JSON on stdout. */
async function report(run: PreflightRun, options: RunOptions): Promise<void> {
  const { writeReports } = await import('../report/write.js');
  const json = await writeReports(run, options.out);
  if (options.json) {
    process.stdout.write(json);
  } else {
    const { renderSummary } = await import('../report/summary.js');
    process.stdout.write(renderSummary(run, options.out));
  }

  for (const task of run.tasks) {
    if (!task.error) continue;
    const error = new CertkeyError(task.error.code, task.error.message, task.error.remedy);
    const label = run.tasks.length > 1 ? `${task.task}: ` : '';
    process.stderr.write(formatError(error).replace('certkey: ', `certkey: ${label}`));
  }
}

/** The exit code of a finished run; see the top of this file for the precedence. */
export function exitCode(run: PreflightRun): number {
  const strict = run.options.strict;
  const failed = run.tasks.some((task) => task.checks.some((c) => isFailure(c.status, strict)));
  if (failed) return EXIT.checkFailed;
  if (run.tasks.some((task) => task.error)) return EXIT.fetch;
  return EXIT.ok;
}

/** Closes the mtls suite's listeners, when that suite was loaded at all. */
async function closeListeners(): Promise<void> {
  const { closeOpenListeners } = await import('../handshake/server.js');
  await closeOpenListeners();
}

/**
 * Ends an interrupted run: removes half-written report files, says what was kept, and makes
 * sure the process exits even while a fetch or handshake of a dropped task is pending.
 */
async function stop(
  signal: 'SIGINT' | 'SIGTERM',
  run: PreflightRun,
  total: number,
  out: string,
): Promise<number> {
  await removeTemporaryReports(out);
  process.stderr.write(
    `certkey: interrupted by ${signal}: ${run.tasks.length} of ${total} tasks checked; ` +
      'the reports are marked incomplete\n',
  );

  const code = INTERRUPT_EXIT[signal];
  setTimeout(() => exitAfter(signal), 0).unref();
  return code;
}
