/**
 * `certkey run`: read or fetch a bundle, run every suite, write the reports, and exit with
 * the verdict.
 */
import { debuglog } from 'node:util';
import { runChecks } from '../checks/run.js';
import { CertkeyError, EXIT, formatError } from '../errors.js';
import { VERSION } from '../version.js';
import type { PreflightRun, TaskResult } from '../report/types.js';
import { summarize } from '../report/types.js';
import type { RunOptions } from './run-options.js';
import { readRunOptions } from './run-options.js';

const debug = debuglog('certkey');

/** Reads or fetches the bundle, then checks it: a task's whole life. */
async function checkTask(options: RunOptions): Promise<TaskResult> {
  const { source } = options;

  let raw;
  let task: string;
  if (source.kind === 'file') {
    const { loadBundle } = await import('../intake/load.js');
    raw = await loadBundle(source.path);
    task = source.path === '-' ? 'stdin' : source.path;
  } else {
    const { fetchBundle } = await import('../intake/fetch.js');
    task = source.taskId;
    try {
      const fetched = await fetchBundle({
        endpoint: source.endpoint,
        taskId: source.taskId,
        ...('credentials' in source
          ? { credentials: source.credentials }
          : { token: source.token }),
        timeoutMs: options.timeoutMs,
        userAgent: `certkey/${VERSION}`,
      });
      raw = fetched.raw;
    } catch (error) {
      if (!(error instanceof CertkeyError) || error.exitCode !== EXIT.fetch) throw error;
      const { code, message, remedy } = error;
      return { task, origin: source.endpoint, checks: [], error: { code, message, remedy } };
    }
  }

  debug('checking %s', raw.origin);
  const { checks } = await runChecks(raw, options.check);
  return { task, origin: raw.origin, checks, ...(raw.notes ? { notes: raw.notes } : {}) };
}

/** The environment the verdicts were reached in. */
async function environment(): Promise<PreflightRun['environment']> {
  const { tlsEnvironment } = await import('../handshake/environment.js');
  return { node: process.versions.node, ...tlsEnvironment() };
}

/** Runs `certkey run` and returns the process exit code. */
export async function runCommand(argv: Record<string, unknown>): Promise<number> {
  return runPreflight(await readRunOptions(argv));
}

/** Runs one preflight with validated options and returns the process exit code. */
export async function runPreflight(options: RunOptions): Promise<number> {
  const startedAt = new Date().toISOString();

  const task = await checkTask(options);
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
    tasks: [task],
    complete: true,
  };

  const { writeReports } = await import('../report/write.js');
  const json = await writeReports(run, options.out);
  if (options.json) {
    process.stdout.write(json);
  } else {
    const { renderSummary } = await import('../report/summary.js');
    process.stdout.write(renderSummary(run, options.out));
  }

  if (task.error) {
    process.stderr.write(
      formatError(new CertkeyError(task.error.code, task.error.message, task.error.remedy)),
    );
    return EXIT.fetch;
  }
  return summarize(run).verdict === 'pass' ? EXIT.ok : EXIT.checkFailed;
}
