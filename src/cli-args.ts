/**
 * Fixes and checks on the raw command line before yargs reads it: yargs is lenient where a
 * preflight must not be (a flag without its value, `--strict=maybe`).
 */
import { CertkeyError } from './errors.js';

/** The flags that take no value; every other `--name` needs one. */
const BOOLEAN_FLAGS = new Set([
  'help',
  'version',
  'strict',
  'json',
  'verbose',
  'timings',
  'force',
  'redacted',
  'list',
]);

/**
 * yargs reads `--out -` as an empty value followed by a stray `-`; joining the pair into
 * `--out=-` keeps `-` (stdin or stdout) usable as a value.
 */
export function joinDashValues(args: string[]): string[] {
  const joined: string[] = [];
  for (const arg of args) {
    const last = joined.at(-1);
    if (arg === '-' && last?.startsWith('--') && !last.includes('=')) {
      joined[joined.length - 1] = `${last}=-`;
      continue;
    }
    joined.push(arg);
  }
  return joined;
}

/**
 * Refuses a flag that needs a value but has none (`--min-days --json`), and a yes/no flag
 * given a value other than true or false (`--strict=maybe`); yargs would quietly take the
 * default for both.
 */
export function checkFlagValues(args: readonly string[]): void {
  for (const [index, arg] of args.entries()) {
    if (arg === '--') return;
    if (!arg.startsWith('--')) continue;

    const [name = '', value] = arg.slice(2).split(/=(.*)/s, 2);
    const yesNo = BOOLEAN_FLAGS.has(name) || name.startsWith('no-');
    if (yesNo && value !== undefined && value !== 'true' && value !== 'false') {
      throw new CertkeyError(
        'E_USAGE',
        `--${name} takes no value, but was given ${JSON.stringify(value)}`,
        `write --${name} alone (or --${name}=true / --${name}=false)`,
      );
    }

    const next = args[index + 1];
    if (!yesNo && value === undefined && (next === undefined || next.startsWith('--'))) {
      throw new CertkeyError('E_USAGE', `--${name} needs a value`, `give --${name} VALUE`);
    }
  }
}
