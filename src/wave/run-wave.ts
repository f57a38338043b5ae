/**
 * A wave: many tasks checked a few at a time, each ending as a result or an error row,
 * stopped early by an interrupt with the results so far kept.
 */
import type { CheckOptions } from '../model.js';
import { isFailure } from '../report/types.js';
import { checkTask, type TaskSource, type TimedTaskResult } from './check-task.js';
import { runPool } from './pool.js';
import { createProgress } from './progress.js';
import { startCheckPool } from './workers.js';

/** How to run a wave. */
export interface WaveSettings {
  /** Tasks checked at once. */
  concurrency: number;
  /** Aborts the wave: no task starts after it, and those in flight are not waited for. */
  signal: AbortSignal;
  /** Warnings count as failures (for the progress line). */
  strict: boolean;
}

/** The results of the tasks that ended, in the order the tasks were given. */
export interface WaveOutcome {
  results: TimedTaskResult[];
  /** False when the wave was stopped before every task ended. */
  complete: boolean;
}

/** Checks every task of the wave. Usage errors (bad endpoint, unreadable file) are thrown. */
export async function runWave(
  sources: readonly TaskSource[],
  check: CheckOptions,
  settings: WaveSettings,
): Promise<WaveOutcome> {
  const ended: Array<TimedTaskResult | undefined> = new Array(sources.length);
  const progress = createProgress(sources.length);
  const pool = startCheckPool(sources.length);
  const release = await keepEndpointConnections(sources);
  let thrown: unknown;

  try {
    await runPool(
      sources,
      settings.concurrency,
      async (source, index) => {
        if (thrown !== undefined) return;
        try {
          const result = await checkTask(source, check, pool?.check);
          if (settings.signal.aborted) return;
          ended[index] = result;
          progress.tick(outcomeOf(result, settings.strict));
        } catch (error) {
          thrown ??= error;
        }
      },
      settings.signal,
    );
  } finally {
    progress.done();
    await Promise.all([pool?.close(), release()]);
  }
  if (thrown !== undefined && !settings.signal.aborted) throw thrown;

  const results = ended.filter((result) => result !== undefined);
  return { results, complete: results.length === sources.length };
}

/**
 * Lets the fetches of a wave share their connections to the endpoint (one agent for the
 * tasks' common network options); a single fetch keeps its own. Returns the release.
 */
async function keepEndpointConnections(
  sources: readonly TaskSource[],
): Promise<() => Promise<void>> {
  const shared = new Set(
    sources.flatMap((s) => (s.kind === 'api' && s.network ? [s.network] : [])),
  );
  if (sources.length < 2 || shared.size === 0) return async () => undefined;

  const { keepConnections } = await import('../intake/dispatcher.js');
  const releases = [...shared].map((network) => keepConnections(network));
  return async () => {
    await Promise.all(releases.map((release) => release()));
  };
}

function outcomeOf(result: TimedTaskResult, strict: boolean): 'pass' | 'failed' | 'error' {
  if (result.error) return 'error';
  return result.checks.some((c) => isFailure(c.status, strict)) ? 'failed' : 'pass';
}
