/**
 * The tasks of a wave: `--task-id` given any number of times and `--tasks-file` (one id a
 * line, `#` comments, blank lines ignored), in the order given, each id once.
 */
import { readFile } from 'node:fs/promises';
import { CertkeyError } from '../errors.js';

/** The ids to check, and those given more than once (checked once all the same). */
export interface TaskList {
  ids: string[];
  repeated: string[];
}

/**
 * What the API accepts in a task id: printable ASCII without spaces, up to 255 characters;
 * not `.` or `..`, which a URL resolves as steps of its path.
 */
const TASK_ID = /^(?!\.\.?$)[\x21-\x7e]{1,255}$/;

/**
 * The most different tasks one wave checks. Every task's checks stay in memory and the
 * reports are built whole at the end: at 10,000 tasks that peaks near 2 GiB, and the JSON
 * report of ~30,000 tasks would be longer than the longest string V8 holds. A larger wave
 * would crash after hours of work; refusing it at the start is the kinder answer.
 */
export const MAX_WAVE_TASKS = 10_000;

/** The ids of `--task-id` (one value or many) and `--tasks-file`, de-duplicated. */
export async function readTaskList(argv: Record<string, unknown>): Promise<TaskList> {
  const flags = flagValues(argv['task-id']);
  const file = argv['tasks-file'];
  const lines = typeof file === 'string' ? await readTasksFile(file) : [];

  // Two lists, not one spread into the other: a spread of a long list overflows the stack.
  const list = uniqueIds([flags, lines]);
  if (list.ids.length > MAX_WAVE_TASKS) throw tooManyTasks(list.ids.length, file, flags);
  return list;
}

/** The ids of the lists in order, each once, and the ids met more than once. */
export function uniqueIds(lists: readonly (readonly string[])[]): TaskList {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const list of lists) {
    for (const id of list) {
      if (seen.has(id)) repeated.add(id);
      else seen.add(id);
    }
  }
  // A Set iterates in insertion order: the order the ids were first given.
  return { ids: [...seen], repeated: [...repeated] };
}

/** E_USAGE for a wave over MAX_WAVE_TASKS, naming the tasks file when there is one. */
function tooManyTasks(count: number, file: unknown, flags: readonly string[]): CertkeyError {
  const named = typeof file === 'string' ? `the tasks file ${file}` : '';
  const source = [flags.length > 0 ? '--task-id' : '', named].filter(Boolean).join(' and ');
  return new CertkeyError(
    'E_USAGE',
    `${source} gives ${count} different task ids; a wave checks at most ${MAX_WAVE_TASKS}`,
    `split the tasks into waves of at most ${MAX_WAVE_TASKS} and run certkey once per wave`,
  );
}

/** The values of `--task-id`, checked; yargs gives one string or an array. */
function flagValues(value: unknown): string[] {
  if (value === undefined) return [];

  const values = (Array.isArray(value) ? value : [value]).map(String);
  for (const id of values) {
    if (!TASK_ID.test(id)) {
      throw new CertkeyError(
        'E_USAGE',
        `--task-id ${JSON.stringify(id.slice(0, 60))} is not a task id`,
        'give the migration task id from the SMS console: no spaces, at most 255 characters',
      );
    }
  }
  return values;
}

/** Reads a tasks file; an unreadable file or a bad line is E_INPUT_READ or E_INPUT_SHAPE. */
export async function readTasksFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CertkeyError(
      'E_INPUT_READ',
      `cannot read the tasks file ${path} (${reason})`,
      'check the path given to --tasks-file',
    );
  }
  return parseTasksFile(text, path);
}

/** Parses a tasks file's text: one id a line; `#` starts a comment; blank lines are skipped. */
export function parseTasksFile(text: string, path: string): string[] {
  const ids: string[] = [];
  const lines = text.split(/\r?\n/);

  for (const [index, line] of lines.entries()) {
    const id = line.replace(/#.*$/, '').trim();
    if (id === '') continue;
    if (!TASK_ID.test(id)) {
      throw new CertkeyError(
        'E_INPUT_SHAPE',
        `the tasks file ${path}, line ${index + 1}, is not a task id ` +
          '(spaces, control or non-ASCII characters, . or .., or over 255 characters)',
        'put one migration task id on each line; start comments with #',
      );
    }
    ids.push(id);
  }

  if (ids.length === 0) {
    throw new CertkeyError(
      'E_INPUT_SHAPE',
      `the tasks file ${path} holds no task id`,
      'put one migration task id on each line; start comments with #',
    );
  }
  return ids;
}
