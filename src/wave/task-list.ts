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

/** What the API accepts in a task id: printable ASCII without spaces, up to 255 characters. */
const TASK_ID = /^[\x21-\x7e]{1,255}$/;

/** The ids of `--task-id` (one value or many) and `--tasks-file`, de-duplicated. */
export async function readTaskList(argv: Record<string, unknown>): Promise<TaskList> {
  const given = [...flagValues(argv['task-id'])];
  const file = argv['tasks-file'];
  if (typeof file === 'string') given.push(...(await readTasksFile(file)));

  const ids: string[] = [];
  const repeated = new Set<string>();
  for (const id of given) {
    if (ids.includes(id)) repeated.add(id);
    else ids.push(id);
  }
  return { ids, repeated: [...repeated] };
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
          '(spaces, control or non-ASCII characters, or over 255 characters)',
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
