/** The options of `certkey run` that concern a wave: how many tasks at once, and timings. */
import { CertkeyError } from '../errors.js';
import { defaultConcurrency } from './pool.js';

/** Validated wave options. */
export interface WaveOptions {
  /** Tasks checked at once; `--concurrency`, else defaultConcurrency(). */
  concurrency: number;
  /** `--timings`: print where the time went on stderr. */
  timings: boolean;
}

/** Reads `--concurrency` (a whole number from 1 to 256) and `--timings`. */
export function readWaveOptions(argv: Record<string, unknown>): WaveOptions {
  const given = argv.concurrency;
  const concurrency = given === undefined ? defaultConcurrency() : Number(given);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new CertkeyError(
      'E_USAGE',
      '--concurrency must be a whole number from 1 to 256',
      `leave it out for the default (${defaultConcurrency()} on this machine)`,
    );
  }
  return { concurrency, timings: argv.timings === true };
}
