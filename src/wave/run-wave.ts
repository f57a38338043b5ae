/**
 * A wave: many tasks checked a few at a time, each ending as a result or an error row,
 * stopped early by an interrupt with the results so far kept.
 */
import type { CheckOptions } from '../model.js';
import { isFailure, type TaskError } from '../report/types.js';
import { checkTask, namesOf, type TaskSource, type TimedTaskResult } from './check-task.js';
import { runPool } from './pool.js';
import { createProgress } from './progress.js';
import { sayVerdict, type Say } from './verbose.js';
import { startCheckPool } from './workers.js';

/** How to run a wave. */
export interface WaveSettings {
  /** Tasks checked at once. */
  concurrency: number;
  /** Aborts the wave: no task starts after it, and those in flight are not waited for. */
  signal: AbortSignal;
  /** Warnings count as failures (for the progress line). */
  strict: boolean;
  /** `--verbose`: where each task's start, intake and verdict lines go (else nowhere). */
  say?: Say;
}

/** The results of the tasks that ended, in the order the tasks were given. */
export interface WaveOutcome {
  results: TimedTaskResult[];
  /** False when the wave was stopped before every task ended. */
  complete: boolean;
}

/**
 * After this many tasks in a row could not reach the endpoint, each after its own retries,
 * the tasks not yet started are not sent: each becomes an error row at once. A long wave
 * against an endpoint that is down then ends in seconds, not after every task's retries.
 */
export const DOWN_AFTER = 5;

/** The errors that say the endpoint was not reached at all. */
const UNREACHED = new Set(['E_FETCH_NETWORK', 'E_FETCH_TIMEOUT']);

/** Checks every task of the wave. Usage errors (bad endpoint, unreadable file) are thrown. */
export async function runWave(
  sources: readonly TaskSource[],
  check: CheckOptions,
  settings: WaveSettings,
): Promise<WaveOutcome> {
  const ended: Array<TimedTaskResult | undefined> = new Array(sources.length);
  // The verbose lines take the counter's place: the two would overwrite each other.
  const progress = createProgress(settings.say ? 0 : sources.length);
  const pool = startCheckPool(sources.length);
  const release = await keepEndpointConnections(sources);
  const reach = endpointWatch();
  let thrown: unknown;

  try {
    await runPool(
      sources,
      settings.concurrency,
      async (source, index) => {
        if (thrown !== undefined) return;
        try {
          const down = reach.down();
          const result = down
            ? notSent(source, down)
            : await checkTask(source, check, pool?.check, settings.say);
          if (settings.signal.aborted) return;
          // Only a task that was sent tells about the endpoint: a row not sent quotes the last.
          if (!down) reach.saw(result);
          if (settings.say) sayVerdict(settings.say, result, settings.strict);
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

/** Counts the tasks in a row that did not reach the endpoint; down once DOWN_AFTER did. */
function endpointWatch() {
  let missed = 0;
  let last: TaskError | undefined;
  return {
    saw(result: TimedTaskResult) {
      if (result.error && UNREACHED.has(result.error.code)) {
        missed += 1;
        last = result.error;
      } else {
        missed = 0;
      }
    },
    down: () => (missed >= DOWN_AFTER ? last : undefined),
  };
}

/** The error row of a task not sent because the endpoint was down for the tasks before it. */
function notSent(source: TaskSource, last: TaskError): TimedTaskResult {
  return {
    ...namesOf(source),
    checks: [],
    error: {
      code: last.code,
      message:
        `not sent: the ${DOWN_AFTER} tasks before it could not reach the endpoint, each after ` +
        `its retries (the last: ${last.message})`,
      remedy: `${last.remedy}; then run the wave again for the tasks not fetched`,
    },
    timings: { intakeMs: 0, checksMs: 0, handshakeMs: 0 },
  };
}

function outcomeOf(result: TimedTaskResult, strict: boolean): 'pass' | 'failed' | 'error' {
  if (result.error) return 'error';
  return result.checks.some((c) => isFailure(c.status, strict)) ? 'failed' : 'pass';
}
