/**
 * Fixes and checks on the raw command line before yargs reads it: yargs is lenient where a
 * preflight must not be (a flag without its value, `--strict=maybe`, `--out ''`, a flag
 * given twice), and its own messages span several lines without a remedy.
 */
import { CertkeyError } from './errors.js';
import {
  COMMANDS,
  GLOBAL_OPTIONS,
  type CertkeyOption,
  type CommandName,
  type OptionTable,
} from './cli-options.js';

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

/** One `--name[=value]` of the command line, with the option it names. */
interface Flag {
  /** The option's name in its table (`min-days` for `--minDays` too). */
  name: string;
  option: CertkeyOption;
  /** `--no-strict`. */
  negated: boolean;
  /** The value after `=`, or the next word for an option that takes one. */
  value: string | undefined;
}

/**
 * Refuses, with one line and a remedy, what yargs would take quietly or report badly:
 * an unknown flag (with the nearest known one), a flag that needs a value but has none
 * (`--min-days --json`) or an empty one (`--out ''`), a yes/no flag given another value than
 * true or false (`--strict=maybe`), a word where a number belongs, a value outside an
 * option's choices, and a single-valued flag given twice. Without a known command the
 * command line is left to yargs, which names the commands.
 */
export function checkFlagValues(args: readonly string[]): void {
  const command = args.find((arg) => !arg.startsWith('-'));
  if (command === undefined || !Object.hasOwn(COMMANDS, command)) return;

  const table: OptionTable = { ...GLOBAL_OPTIONS, ...COMMANDS[command as CommandName].options };
  const seen = new Set<string>();
  for (const [index, arg] of args.entries()) {
    if (arg === '--') return;
    if (!arg.startsWith('--')) continue;

    const flag = readFlag(arg, args[index + 1], table, command);
    checkValue(flag);
    if (seen.has(flag.name) && flag.option.array !== true) {
      const remedy =
        flag.option.type === 'boolean'
          ? `give --${flag.name} once`
          : `give one ${valueOf(flag.option).slice(2)} with --${flag.name}`;
      throw new CertkeyError('E_USAGE', `--${flag.name} is given more than once`, remedy);
    }
    seen.add(flag.name);
  }
}

/** Names the option `arg` sets, or throws E_USAGE for a flag `command` does not take. */
function readFlag(
  arg: string,
  next: string | undefined,
  table: OptionTable,
  command: string,
): Flag {
  const [written = '', after] = arg.slice(2).split(/=(.*)/s, 2);
  const name = kebab(written);
  const option = table[name];
  const negatedName = name.startsWith('no-') ? name.slice(3) : undefined;
  const negatable = negatedName !== undefined && table[negatedName]?.type === 'boolean';

  if (option === undefined && !negatable) throw unknownOption(written, table, command);

  if (option === undefined) {
    const negated = table[negatedName ?? ''] ?? {};
    return { name: negatedName ?? name, option: negated, negated: true, value: after };
  }
  const takesValue = option.type !== 'boolean';
  const value = after ?? (takesValue && next?.startsWith('--') !== true ? next : undefined);
  return { name, option, negated: false, value };
}

/** E_USAGE for a flag the command does not take, naming the nearest one it does. */
function unknownOption(written: string, table: OptionTable, command: string): CertkeyError {
  const name = kebab(written);
  const known = Object.keys(table);
  const yesNo = known.filter((key) => table[key]?.type === 'boolean');
  const negated = name.startsWith('no-') ? nearest(name.slice(3), yesNo) : undefined;
  const near = negated ? `no-${negated}` : nearest(name, known);
  return new CertkeyError(
    'E_USAGE',
    `unknown option --${written} for certkey ${command}`,
    `${near ? `did you mean --${near}? See` : 'see'} \`certkey ${command} --help\``,
  );
}

/** Throws E_USAGE when a flag's value is missing, empty, not a number or not a choice. */
function checkValue({ name, option, negated, value }: Flag): void {
  if (negated && value !== undefined) {
    throw new CertkeyError(
      'E_USAGE',
      `--no-${name} takes no value, but was given ${JSON.stringify(value)}`,
      `write --no-${name} alone (or --${name}=false)`,
    );
  }
  if (option.type === 'boolean' || negated) {
    if (value === undefined || value === 'true' || value === 'false') return;
    throw new CertkeyError(
      'E_USAGE',
      `--${name} takes no value, but was given ${JSON.stringify(value)}`,
      `write --${name} alone (or --${name}=true / --${name}=false)`,
    );
  }

  const noun = valueOf(option);
  if (value === undefined || value === '') {
    const fallback =
      option.default === undefined ? '' : `, or omit it for the default (${option.default})`;
    throw new CertkeyError(
      'E_USAGE',
      `--${name} needs ${noun}`,
      `give --${name} ${METAVARS[noun]}${fallback}`,
    );
  }

  if (option.type === 'number' && (value.trim() === '' || Number.isNaN(Number(value)))) {
    // yargs would pass NaN on, and the message would quote "NaN" instead of the word typed.
    throw new CertkeyError(
      'E_USAGE',
      `--${name} ${JSON.stringify(value)} is not a number`,
      `give --${name} a number`,
    );
  }

  const choices = option.choices?.map(String);
  if (choices && !choices.includes(value)) {
    throw new CertkeyError(
      'E_USAGE',
      `--${name} ${JSON.stringify(value)} is not one of ${choices.join(', ')}`,
      `give ${choices.map((choice) => `--${name} ${choice}`).join(' or ')}`,
    );
  }
}

/** How help texts and remedies write each kind of value. */
const METAVARS = {
  'a file': 'FILE',
  'a folder': 'DIR',
  'a URL': 'URL',
  'a number': 'N',
  'a value': 'VALUE',
};

/** What an option's value is: `a file`, `a folder`, `a URL`, `a number` or `a value`. */
function valueOf(option: CertkeyOption): keyof typeof METAVARS {
  if (option.value) return option.value;
  return option.type === 'number' ? 'a number' : 'a value';
}

/** `minDays` as `min-days`: yargs takes both spellings. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The known name closest to a mistyped one, when it is close enough to be meant. */
function nearest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return best && best.distance <= allowed ? best.name : undefined;
}

/** The Levenshtein distance: the fewest insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
