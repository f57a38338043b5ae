/**
 * `run --verbose`: one line on stderr as each task starts, as it gets its bundle (with each
 * failed attempt of a fetch and the wait before the next) and as it ends with its verdict,
 * each with its time. The lines name tasks, endpoints, HTTP statuses, error codes, counts
 * and times: never a token, a key, a header or a reply body.
 */
import { plural, summarize } from '../report/types.js';
import type { RetryListener } from '../intake/dispatcher.js';
import type { TaskSource, TimedTaskResult } from './check-task.js';

/** Writes one progress line (without the `certkey: ` prefix). */
export type Say = (line: string) => void;

/** The progress lines of one task, in the order they happen. */
export interface TaskNarrator {
  /** Before the bundle is read or fetched. */
  started(): void;
  /** Told of each failed attempt of the fetch that is retried. */
  retry: RetryListener;
  /** The bundle came (or did not: `code` is the error's). */
  intake(ms: number, code?: string): void;
}

/** Says how `source`'s task goes, on `say`. */
export function narrateTask(say: Say, task: string, source: TaskSource): TaskNarrator {
  let attempts = 1;
  const fetching = source.kind === 'api';
  return {
    started() {
      say(`${task}: ${fetching ? `fetching from ${source.endpoint}` : 'reading the file'}`);
    },
    retry(attempt, why, waitMs) {
      attempts = attempt + 1;
      say(`${task}: attempt ${attempt} failed (${why}): retrying in ${waitMs} ms`);
    },
    intake(ms, code) {
      const tries = fetching ? `, ${plural(attempts, 'attempt')}` : '';
      const verb = fetching ? 'fetched' : 'read';
      say(`${task}: ${code ? `not ${verb}: ${code}` : verb} (${time(ms)}${tries})`);
    },
  };
}

/** The task's verdict, its counts and where its time went. */
export function sayVerdict(say: Say, result: TimedTaskResult, strict: boolean): void {
  const { intakeMs, checksMs, handshakeMs } = result.timings;
  const total = time(intakeMs + checksMs + handshakeMs);
  if (result.error && result.checks.length === 0) {
    say(`${result.task}: ERROR ${result.error.code}, not checked (${total})`);
    return;
  }

  // Counted as the summary counts: under --strict a warning is a failure, counted once.
  const { pass, fail, warn, skip } = summarize({ tasks: [result], options: { strict } });
  const verdict = result.error ? `ERROR ${result.error.code}` : fail > 0 ? 'FAIL' : 'PASS';
  say(
    `${result.task}: ${verdict}: ${pass} passed, ${fail} failed, ` +
      `${plural(warn, 'warning')}, ${skip} skipped ` +
      `(${total}: checks ${time(checksMs)}, handshakes ${time(handshakeMs)})`,
  );
}

function time(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
