/**
 * `--timings`: where a run's time went, as one JSON line on stderr, so scripts such as the
 * benchmark can read it. Per-task timings are in the JSON report's task entries.
 */
import { performance } from 'node:perf_hooks';
import type { TimedTaskResult } from './check-task.js';

/** Run-level timings: sums over the tasks, the report writing, and the wall clock. */
export interface RunTimings {
  tasks: number;
  /** From the start of the run to now. */
  wallMs: number;
  intakeMs: number;
  checksMs: number;
  handshakeMs: number;
  /** Rendering and writing the three reports. */
  reportMs: number;
}

/** Adds up the task timings. */
export function runTimings(
  results: readonly TimedTaskResult[],
  reportMs: number,
  startedAt: number,
): RunTimings {
  const sum = (key: 'intakeMs' | 'checksMs' | 'handshakeMs') =>
    Math.round(results.reduce((total, result) => total + result.timings[key], 0));
  return {
    tasks: results.length,
    wallMs: Math.round(performance.now() - startedAt),
    intakeMs: sum('intakeMs'),
    checksMs: sum('checksMs'),
    handshakeMs: sum('handshakeMs'),
    reportMs: Math.round(reportMs),
  };
}

/**
 * Prints the run's timings on stderr as `certkey: timings: {...}`. The stage sums can exceed
 * the wall clock: tasks run at the same time.
 */
export function printTimings(
  results: readonly TimedTaskResult[],
  reportMs: number,
  startedAt: number,
): void {
  const timings = runTimings(results, reportMs, startedAt);
  process.stderr.write(`certkey: timings: ${JSON.stringify(timings)}\n`);
}
